"""Reading a YAML cassette safely, with the line each recorded interaction starts on.

PyYAML's *safe* loader only (the C one, ``yaml.CSafeLoader``, when libyaml is there: cassettes of
a few MB load ~10x faster): a cassette is untrusted input, and a full loader would run the Python
objects its tags name.  Two tags old recorders wrote are read as what they are, never executed:
``!!python/unicode`` / ``!!python/str`` (vcrpy under Python 2) as strings, and Ruby's ``!binary``
(Psych, for bodies that are not UTF-8) as bytes.  Any other language tag (``!ruby/object``) is a
clear error naming the file and line.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

import yaml

from tui.core.display import size_text
from tui.core.formats.base import DOCUMENT_LIMIT, Sniff
from tui.core.formats.reader import LoadError

__all__ = ["load_yaml", "SafeLoader"]

_BASE: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class SafeLoader(_BASE):  # type: ignore[misc,valid-type]
    """The safe loader plus string and binary tags; builds nothing but plain data."""


def _as_string(loader: Any, node: yaml.Node) -> str:
    return str(loader.construct_scalar(node))


def _ruby_binary(loader: Any, node: yaml.Node) -> bytes:
    text = str(loader.construct_scalar(node))
    try:
        return base64.b64decode("".join(text.split()), validate=False)
    except (binascii.Error, ValueError) as exc:
        raise yaml.constructor.ConstructorError(None, None, f"a !binary value that is not base64 ({exc})",
                                                node.start_mark) from None


SafeLoader.add_constructor("tag:yaml.org,2002:python/unicode", _as_string)
SafeLoader.add_constructor("tag:yaml.org,2002:python/str", _as_string)
SafeLoader.add_constructor("!binary", _ruby_binary)


def _problem(exc: BaseException) -> str:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    text = f"{context}, {problem}" if context and problem and context not in problem else str(problem)
    if "could not determine a constructor" in text:
        text = text.replace("could not determine a constructor for the tag", "the tag") + \
            " names a program object (only plain data is read from a cassette)"
    if mark is not None:
        return f"line {mark.line + 1}, column {mark.column + 1}: {text}"
    return text


def load_yaml(sniff: Sniff, list_keys: tuple[str, ...]) -> tuple[Any, dict[str, list[int]]]:
    """The document, and for each of ``list_keys`` at its top level the 1-based line of each item.

    Raises :class:`LoadError` naming the file and the line where the YAML goes wrong."""
    name = sniff.name
    with sniff.opened.open() as f:
        data = f.read(DOCUMENT_LIMIT + 1)
    if len(data) > DOCUMENT_LIMIT:
        raise LoadError(f"{name}: a YAML cassette over {size_text(DOCUMENT_LIMIT)} is not read")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise LoadError(f"{name}: not valid UTF-8 (byte {exc.start}, line {line})") from None
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
        doc = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        raise LoadError(f"{name}: the YAML cassette does not parse: {_problem(exc)}") from None
    except RecursionError:
        raise LoadError(f"{name}: the YAML is nested too deeply to read") from None
    finally:
        loader.dispose()
    lines: dict[str, list[int]] = {}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value in list_keys and isinstance(value, yaml.SequenceNode):
                lines[key.value] = [item.start_mark.line + 1 for item in value.value]
    return doc, lines
