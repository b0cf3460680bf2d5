"""B: body shape — what the API's request schema rejects (API_RULES.md ORDER-08/09, ROLE-04, …)."""

from __future__ import annotations
