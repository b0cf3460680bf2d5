"""Write repaired request bodies back into the log they came from (``fix --in-place``).

Only what was repaired changes.  In a JSONL log every other line -- records without a request,
records that needed no fix, lines that could not be read, blank lines, line endings, a BOM -- is
copied byte for byte; a repaired line is the same record with its request body replaced.  A
single JSON document (a request, a ``{request, response}`` pair, an array of them, a bare
``messages`` list) is written back as one indented document with the bodies replaced.

Raw Anthropic JSON/JSONL and the native format only: other formats (HAR, transcripts, gateway
logs) keep the request somewhere a repaired body cannot simply be put back, so the caller refuses
them and writes the repaired bodies to a separate file instead.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, BinaryIO

from tui.core.formats.anthropic import is_pair, is_request
from tui.core.formats.base import LineTooLong, bounded_lines, parse_json

REWRITABLE = ("anthropic-json", "anthropic-jsonl")
_BOM = b"\xef\xbb\xbf"
_COPY = 8 << 20


class CannotRewrite(ValueError):
    """The repaired body cannot be put back where it came from; ``str()`` says why."""


def _dumps(value: Any, indent: int | None = None) -> bytes:
    try:
        return json.dumps(value, ensure_ascii=False, indent=indent).encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: JSON escapes keep the value, UTF-8 cannot
        return json.dumps(value, ensure_ascii=True, indent=indent).encode("ascii")


def _replace(value: Any, body: dict[str, Any], where: str) -> Any:
    """``value`` (one record as parsed) with its request body replaced by ``body``."""
    if is_request(value):
        return body
    if isinstance(value, list) and value and all(isinstance(m, dict) and "role" in m for m in value):
        if set(body) != {"messages"}:
            raise CannotRewrite(f"{where}: the log keeps only a messages list, and the repair added "
                                f"{', '.join(sorted(set(body) - {'messages'}))}")
        return body["messages"]
    if is_pair(value) and isinstance(value.get("request"), dict):
        out = dict(value)
        out["request"] = body
        return out
    raise CannotRewrite(f"{where}: the record's request body is not where a repaired body can be put back")


def rewrite_jsonl(src: Path, fixed: Mapping[int, dict[str, Any]], out: BinaryIO) -> int:
    """Copy the JSONL log ``src`` to ``out``, replacing the request of record ``n`` by
    ``fixed[n]``; return how many records were replaced.  Records are numbered like the loader
    does (non-empty lines from 0)."""
    done = 0
    with src.open("rb") as f, src.open("rb") as again:
        bom = f.read(3)
        if bom != _BOM:
            f.seek(0)
            bom = b""
        out.write(bom)
        record = -1
        for lineno, start, raw in bounded_lines(f, seekable=True):
            if isinstance(raw, LineTooLong):
                record += 1
                again.seek(len(bom) + start)  # copied as it is, a block at a time
                left = raw.size
                while left > 0:
                    block = again.read(min(_COPY, left))
                    if not block:
                        break
                    out.write(block)
                    left -= len(block)
                continue
            if not raw.strip():
                out.write(raw)
                continue
            record += 1
            body = fixed.get(record)
            if body is None:
                out.write(raw)
                continue
            ending = raw[len(raw.rstrip(b"\r\n")):]
            value = parse_json(raw)
            out.write(_dumps(_replace(value, body, f"{src}:{lineno}")) + ending)
            done += 1
    if done != len(fixed):
        missing = sorted(set(fixed) - set(range(record + 1)))
        raise CannotRewrite(f"{src}: records {missing} are not in the file any more (did it change?)")
    return done


def rewrite_document(src: Path, fixed: Mapping[int, dict[str, Any]]) -> bytes:
    """The JSON document ``src`` with the request of record ``n`` replaced by ``fixed[n]``."""
    doc = parse_json(src.read_bytes().removeprefix(_BOM))
    if isinstance(doc, list) and not (doc and all(isinstance(m, dict) and "role" in m for m in doc)):
        out = list(doc)
        for n, body in fixed.items():
            if not 0 <= n < len(out):
                raise CannotRewrite(f"{src}: there is no item {n} any more (did the file change?)")
            out[n] = _replace(out[n], body, f"{src}#{n}")
    else:
        if set(fixed) - {0}:
            raise CannotRewrite(f"{src}: holds one record, not {sorted(fixed)}")
        out = _replace(doc, fixed[0], f"{src}#0") if fixed else doc
    return _dumps(out, indent=2) + b"\n"


def default_output(path: Path, many: bool) -> Path:
    """``run.jsonl`` → ``run.fixed.jsonl``; ``req.json.gz`` → ``req.fixed.json``: beside the input."""
    name = path.name.removesuffix(".gz")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return path.with_name(f"{stem}.fixed.{'jsonl' if many else 'json'}")


def save_repaired_log(src: Path, fmt: str, fixed: Mapping[int, dict[str, Any]], dest: Path, *,
                      bodies: Iterable[tuple[int, Any]] = (), overwrite: bool = False) -> str:
    """Write the whole repaired log to ``dest``, atomically, and say what was written.

    A raw Anthropic JSON/JSONL log is copied with the repaired records replaced and every other
    byte as it was (the app's "Save all"; secrets stay as in the original: it is the user's log,
    not an export).  Any other format cannot take a body back, so every request body of
    ``bodies`` (record, body) is written as JSONL, the repaired ones replaced, as ``fix`` does.
    Raises FileExistsError (``dest`` exists, no ``overwrite``), OSError, or CannotRewrite.
    """
    from tui.core.export.atomic import atomic_writer

    if src.resolve() == dest.resolve():
        raise CannotRewrite(f"{dest} is the file that was opened: it is never overwritten")
    n = len(fixed)
    what = f"{n} repaired record{'s' * (n != 1)}"
    if fmt in REWRITABLE:
        with atomic_writer(dest, overwrite=overwrite) as fh:
            if fmt == "anthropic-json":
                fh.write(rewrite_document(src, fixed))
            else:
                rewrite_jsonl(src, fixed, fh)
        return f"wrote {dest} ({what}; every other record byte for byte as it was)"
    count = 0
    with atomic_writer(dest, overwrite=overwrite) as fh:
        for record, body in bodies:
            body = fixed.get(record, body)
            if isinstance(body, dict):
                fh.write(_dumps(body) + b"\n")
                count += 1
    return (f"wrote {dest} ({count} request bod{'ies' if count != 1 else 'y'} as JSONL, {what}: "
            f"a {fmt} log cannot take a repaired body back in place)")
