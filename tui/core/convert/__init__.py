"""Conversions between API dialects, as pure functions over request bodies.

:mod:`tui.core.convert.openai` turns OpenAI Chat Completions and Responses requests into Anthropic
Messages requests (and Anthropic back into Chat Completions), so an OpenAI payload can be checked,
repaired and replayed like the rest.  Every conversion returns a :class:`Converted`: the new body
and the list of things that did not map (``n``, ``logprobs``, reasoning items …), because a
conversion that silently drops a parameter hides exactly what a user is debugging.
"""

from tui.core.convert.openai import (
    Converted,
    anthropic_to_openai_chat,
    openai_chat_to_anthropic,
    openai_responses_to_anthropic,
    to_anthropic,
)

__all__ = [
    "Converted",
    "anthropic_to_openai_chat",
    "openai_chat_to_anthropic",
    "openai_responses_to_anthropic",
    "to_anthropic",
]
