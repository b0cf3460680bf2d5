"""Shared test setup: strict rule execution and helpers for rule tests."""

from __future__ import annotations

import os

os.environ.setdefault("PAYLOAD_DOCTOR_STRICT", "1")  # a crashing rule fails the test
# Time-dependent rules (retirements, API-version cut-overs) judge against "today": pin it.
os.environ.setdefault("PAYLOAD_DOCTOR_TODAY", "2026-12-07")
