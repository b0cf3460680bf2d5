"""Y: model output vs schemas — logged responses and tool inputs."""

from __future__ import annotations
