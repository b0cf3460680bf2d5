"""The hostile input corpus, generated on demand (nothing checked in).

:data:`CASES` maps a name to a :class:`Case`: how to write the input and what every front end must
say about it.  The CLI tests (``test_hostile_inputs.py``) and the app tests
(``test_app_hostile.py``) run the same cases.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.hardening.conftest import MODEL, request

GOOD = [request("first good record"), request("second good record"), request("third good record")]


@dataclass(frozen=True)
class Case:
    make: Callable[[Path], Path]
    """Writes the input under the given directory; returns its path."""
    says: tuple[str, ...]
    """Every one of these appears in the message about the input (the path inside it included)."""
    readable: int = 0
    """Records that must still load (0: the file is unreadable as a whole: exit code 2)."""


def _write(name: str, data: bytes | str) -> Callable[[Path], Path]:
    def make(d: Path) -> Path:
        p = d / name
        p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return p
    return make


def _directory(d: Path) -> Path:
    p = d / "logs.d"
    p.mkdir()
    return p


def _raw_request(value_of_max_tokens: str, extra: str = "") -> str:
    return (f'{{"model": "{MODEL}", "max_tokens": {value_of_max_tokens},{extra} '
            f'"messages": [{{"role": "user", "content": "hi"}}]}}')


_deep = 100_000
DEEP = ('{"model": "%s", "max_tokens": 5, "messages": [{"role": "user", "content": ' % MODEL
        + "[" * _deep + "]" * _deep + "}]}")
BAD_UTF8 = json.dumps(request("caf\u00e9"), ensure_ascii=False).encode("utf-8").replace("caf\u00e9".encode(), b"caf\xe9\xff")
UTF16 = json.dumps(request("hello")).encode("utf-16")  # with its BOM (LE on this machine)
UTF16_BE = b"\xfe\xff" + json.dumps(request("hello")).encode("utf-16-be")
GARBAGE = bytes((i * 7919 + 13) % 256 for i in range(4096))
ONE_BAD_LINE = (json.dumps(GOOD[0]) + "\n" + '{"model": "x", "messages": [{"role": "user", "content": "cut\n'
                + json.dumps(GOOD[1]) + "\n" + json.dumps(GOOD[2]) + "\n")

CASES: dict[str, Case] = {
    "empty file": Case(_write("empty.json", b""), ("empty.json", "empty")),
    "only whitespace": Case(_write("blank.jsonl", "\n \n\t\n"), ("blank.jsonl", "empty")),
    "directory": Case(_directory, ("logs.d",)),
    "binary garbage": Case(_write("garbage.json", GARBAGE), ("garbage.json",)),
    "invalid UTF-8": Case(_write("latin1.json", BAD_UTF8), ("latin1.json", "not valid UTF-8", "messages.0.content")),
    "UTF-16 with BOM": Case(_write("utf16.json", UTF16), ("utf16.json", "UTF-16")),
    "UTF-16 big-endian with BOM": Case(_write("utf16be.json", UTF16_BE), ("utf16be.json", "UTF-16")),
    "JSON nested 100,000 deep": Case(_write("deep.json", DEEP), ("deep.json", "nested too deeply", "messages.0.content.0.0")),
    "integer with 10,000 digits": Case(_write("digits.json", _raw_request("9" * 10_000)),
                                       ("digits.json", "10,000 digits", "max_tokens")),
    "float with 10,000 digits overflowing": Case(_write("overflow.json", _raw_request("1." + "7" * 10_000 + "e400")),
                                                 ("overflow.json", "out of range", "max_tokens")),
    "NaN": Case(_write("nan.json", _raw_request("1", ' "temperature": NaN,')), ("nan.json", "NaN", "temperature")),
    "Infinity": Case(_write("inf.json", _raw_request("Infinity")), ("inf.json", "Infinity", "max_tokens")),
    "-Infinity in JSONL": Case(_write("ninf.jsonl", json.dumps(GOOD[0]) + "\n" + _raw_request("1", ' "top_p": -Infinity,')
                                      + "\n" + json.dumps(GOOD[1]) + "\n"),
                               ("ninf.jsonl:2", "-Infinity", "top_p"), readable=2),
    "one bad line among good ones": Case(_write("mixed.jsonl", ONE_BAD_LINE), ("mixed.jsonl:2", "invalid JSON", "messages.0.content"),
                                         readable=3),
    "a JSON scalar": Case(_write("scalar.json", "42"), ("scalar.json", "not a log format")),
    "NUL bytes after a JSON head": Case(_write("nul.jsonl", json.dumps(GOOD[0]) + "\n" + "\x00" * 70_000 + "\n"),
                                        ("nul.jsonl:2", "invalid JSON"), readable=1),
}
"""Duplicate keys, truncation at every byte, wrong types, the 50 MB string and the 2 GB file have
their own tests: what must happen there is more than one message."""
