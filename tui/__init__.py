"""Payload Doctor: find, explain, repair and replay broken Anthropic Messages API payloads."""

__version__ = "0.1.0"
