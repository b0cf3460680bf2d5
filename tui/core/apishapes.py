"""The Messages API's request shapes, as generated from the pinned ``anthropic`` SDK.

``data/api_shapes.json`` is written by ``python -m tui.core.apigen`` from the installed SDK's
request TypedDicts (a test fails when it is stale).  This module only reads it: the checker never
imports the SDK (2 s) to know what a request may hold.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def shapes() -> dict[str, Any]:
    """The whole generated shape file."""
    text = resources.files("tui.core").joinpath("data/api_shapes.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def sdk_api_version() -> str:
    """The ``anthropic-version`` the pinned SDK sends (what a replay sends by default)."""
    return str(shapes()["api_version"])


def sdk_version() -> str:
    """The ``anthropic`` package version the shapes were generated from."""
    return str(shapes()["sdk_version"])
