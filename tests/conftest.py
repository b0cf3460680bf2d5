"""Shared test setup: strict rule execution and helpers for rule tests."""

from __future__ import annotations

import os

os.environ.setdefault("PAYLOAD_DOCTOR_STRICT", "1")  # a crashing rule fails the test
