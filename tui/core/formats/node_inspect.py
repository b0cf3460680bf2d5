"""Read the text Node's ``util.inspect`` prints (``console.log(obj)``) back into JSON values.

The TypeScript SDK's debug log (``ANTHROPIC_LOG=debug``) hands objects to ``console.debug``, so
what lands in a file is Node's inspect form, not JSON: unquoted keys, single-quoted strings, long
strings split into ``'…\\n' +`` pieces, ``Headers { … }`` class names — and, by default, cut:
objects deeper than 2 levels print as ``[Object]`` / ``[Array]``, arrays stop after 100 items
(``... 5 more items``) and strings after 10,000 characters (``... 12 more characters``).  A cut
value cannot be checked as if it were whole, so the parser returns where it was cut
(:class:`Inspected`), and the reader says so instead of guessing.

Only data is read: nothing is evaluated, and functions, getters, symbols and circular references
are kept as short descriptive strings (they never occur in a request body).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["CUT_HINT", "Inspected", "InspectError", "parse_inspect"]

CUT_HINT = ("Node's console cuts objects deeper than 2 levels, arrays after 100 items and strings after "
            "10,000 characters; set `util.inspect.defaultOptions = {depth: null, maxArrayLength: null, "
            "maxStringLength: null}` (or pass the client a `logger` that prints JSON) to log whole bodies")

_MAX_DEPTH = 200


class InspectError(ValueError):
    """The text is not Node inspect output; the message names the offset and what was expected."""


@dataclass(slots=True)
class Inspected:
    value: Any
    cuts: list[str] = field(default_factory=list)
    """JSON-pointer-like paths (``/options/body/messages``) where Node printed a placeholder or
    stopped a list or string early; empty when the value is whole."""


_WS = re.compile(r"\s*")
_IDENT = re.compile(r"[A-Za-z_$][\w$]*")
_NUMBER = re.compile(r"-?(?:\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?|\.\d+)n?")
_PLACEHOLDER = re.compile(r"\[(Object|Array|Circular \*\d+|Getter(?:/Setter)?|Setter|"
                          r"(?:Async)?(?:Generator)?Function(?::? [^\]]*)?|class [^\]]*|Symbol\([^)]*\))\]")
_MORE = re.compile(r"\.\.\. (\d+) more items?")
_MORE_CHARS = re.compile(r"\.\.\. (\d+) more characters?")
_REF = re.compile(r"<ref \*\d+>\s*")
_CLASS_PREFIX = re.compile(r"(?:\[[\w: ]+\]|[A-Za-z_$][\w$.]*)(?:\(\d+\))?\s*(?:\[[\w: ]+\]\s*)?(?=[{\[])")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0",
            "\\": "\\", "'": "'", '"': '"', "`": "`"}


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0
        self.cuts: list[str] = []

    def fail(self, what: str) -> InspectError:
        near = self.text[self.i:self.i + 30]
        return InspectError(f"at character {self.i + 1}: expected {what}, found {near!r}" if near
                            else f"expected {what}, found the end of the text")

    def ws(self) -> None:
        self.i = _WS.match(self.text, self.i).end()  # type: ignore[union-attr]

    def peek(self) -> str:
        return self.text[self.i] if self.i < len(self.text) else ""

    def value(self, path: str, depth: int) -> Any:
        if depth > _MAX_DEPTH:
            raise self.fail(f"at most {_MAX_DEPTH} levels of nesting")
        self.ws()
        m = _REF.match(self.text, self.i)
        if m:
            self.i = m.end()
        c = self.peek()
        if c in "'\"`":
            return self.string(path)
        if c == "{":
            return self.obj(path, depth)
        if c == "[":
            m = _PLACEHOLDER.match(self.text, self.i)
            if m:
                self.i = m.end()
                kind = m.group(1)
                if kind in ("Object", "Array"):
                    self.cuts.append(path or "/")
                return f"[{kind}]"
            if _CLASS_PREFIX.match(self.text, self.i) and not self.text.startswith("[ ", self.i) \
                    and not self.text.startswith("[]", self.i):
                return self.classed(path, depth)
            return self.array(path, depth)
        m = _CLASS_PREFIX.match(self.text, self.i)
        if m is not None and (c.isalpha() or c in "_$"):
            return self.classed(path, depth)
        m = _NUMBER.match(self.text, self.i)
        if m:
            self.i = m.end()
            token = m.group(0).replace("_", "")
            if token.endswith("n"):
                return int(token[:-1])
            return float(token) if any(ch in token for ch in ".eE") else int(token)
        m = _IDENT.match(self.text, self.i)
        if m:
            self.i = m.end()
            word = m.group(0)
            consts: dict[str, Any] = {"null": None, "undefined": None, "true": True, "false": False,
                                      "NaN": "NaN", "Infinity": "Infinity"}
            if word in consts:
                return consts[word]
            raise self.fail("a value")
        if self.text.startswith("-Infinity", self.i):
            self.i += len("-Infinity")
            return "-Infinity"
        raise self.fail("a value")

    def classed(self, path: str, depth: int) -> Any:
        m = _CLASS_PREFIX.match(self.text, self.i)
        assert m is not None
        self.i = m.end()
        return self.obj(path, depth) if self.peek() == "{" else self.array(path, depth)

    def one_string(self) -> str:
        quote = self.text[self.i]
        self.i += 1
        out: list[str] = []
        text, n = self.text, len(self.text)
        while self.i < n:
            c = text[self.i]
            if c == quote:
                self.i += 1
                return "".join(out)
            if c == "\\":
                e = text[self.i + 1: self.i + 2]
                if e in _ESCAPES:
                    out.append(_ESCAPES[e])
                    self.i += 2
                elif e == "x":
                    out.append(chr(int(text[self.i + 2:self.i + 4], 16)))
                    self.i += 4
                elif e == "u":
                    if text[self.i + 2:self.i + 3] == "{":
                        end = text.index("}", self.i)
                        out.append(chr(int(text[self.i + 3:end], 16)))
                        self.i = end + 1
                    else:
                        out.append(chr(int(text[self.i + 2:self.i + 6], 16)))
                        self.i += 6
                else:
                    raise self.fail("a string escape")
                continue
            out.append(c)
            self.i += 1
        raise self.fail(f"the closing {quote}")

    def string(self, path: str) -> str:
        """A string, with Node's ``'…' +`` line-split pieces joined and a ``... N more
        characters`` tail recorded as a cut."""
        pieces = [self.one_string()]
        while True:
            save = self.i
            self.ws()
            if self.peek() == "+":
                self.i += 1
                self.ws()
                if self.peek() in "'\"`":
                    pieces.append(self.one_string())
                    continue
            self.i = save
            break
        save = self.i
        self.ws()
        m = _MORE_CHARS.match(self.text, self.i)
        if m:
            self.i = m.end()
            self.cuts.append(path or "/")
        else:
            self.i = save
        return "".join(pieces)

    def key(self) -> str:
        c = self.peek()
        if c in "'\"`":
            return self.one_string()
        if c == "[":  # [Symbol(foo)]: a symbol key
            end = self.text.find("]", self.i)
            if end < 0:
                raise self.fail("a key")
            k = self.text[self.i:end + 1]
            self.i = end + 1
            return k
        m = _IDENT.match(self.text, self.i) or re.compile(r"\d+").match(self.text, self.i)
        if not m:
            raise self.fail("a key")
        self.i = m.end()
        return m.group(0)

    def obj(self, path: str, depth: int) -> dict[str, Any]:
        self.i += 1  # {
        out: dict[str, Any] = {}
        while True:
            self.ws()
            if self.peek() == "}":
                self.i += 1
                return out
            if self.more(path, "}"):
                continue
            k = self.key()
            self.ws()
            if self.peek() != ":":
                raise self.fail("':' after a key")
            self.i += 1
            out[k] = self.value(f"{path}/{k}", depth + 1)
            self.sep("}")

    def array(self, path: str, depth: int) -> list[Any]:
        self.i += 1  # [
        out: list[Any] = []
        while True:
            self.ws()
            if self.peek() == "]":
                self.i += 1
                return out
            if self.more(path, "]"):
                continue
            m = re.compile(r"<(\d+) empty items?>").match(self.text, self.i)
            if m:
                self.i = m.end()
                out.extend([None] * int(m.group(1)))
                self.sep("]")
                continue
            out.append(self.value(f"{path}/{len(out)}", depth + 1))
            self.sep("]")

    def more(self, path: str, close: str) -> bool:
        """A ``... N more items`` tail (Node's maxArrayLength): recorded as a cut at ``path``."""
        m = _MORE.match(self.text, self.i)
        if not m:
            return False
        self.i = m.end()
        self.cuts.append(path or "/")
        self.sep(close)
        return True

    def sep(self, close: str) -> None:
        self.ws()
        c = self.peek()
        if c == ",":
            self.i += 1
        elif c != close:
            raise self.fail(f"',' or '{close}'")


def parse_inspect(text: str) -> Inspected:
    """The value ``text`` shows (one object, array, string or number, then only whitespace)."""
    p = _Parser(text)
    value = p.value("", 0)
    p.ws()
    if p.i != len(text):
        raise p.fail("the end of the value")
    return Inspected(value, p.cuts)
