"""Export a minimal, redacted reproduction of a broken request as Markdown, fit for a bug report.

A 300-message agent log is not a bug report.  This keeps what a maintainer needs to see the
problem: the model and top-level parameters (tool names, not tool schemas; the size of the system
prompt, not its text), the messages *around each finding* (± ``context``; the rest elided as
``… N messages omitted …``), the findings themselves and the API error the request got.  Long
strings are shortened, base64 payloads elided, and everything is redacted — always, because a
bug report is meant to be shared.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from tui.core import apishapes
from tui.core.findings import Finding
from tui.core.paths import Path, api_error_location, to_dotted
from tui.core.redact import redact_text, redact_value

_BODY_KEYS = ("messages", "system", "tools")
_LONG = 300  # strings longer than this are shortened
_HEAD, _TAIL = 200, 60


# -- shortening ------------------------------------------------------------------------------------------


def shorten_text(s: str, limit: int = _LONG) -> str:
    """Keep the head and the tail (trailing whitespace can be the bug), mark what was cut."""
    if len(s) <= limit:
        return s
    cut = len(s) - _HEAD - _TAIL
    return f"{s[:_HEAD]}… [{cut:,} chars omitted] …{s[-_TAIL:]}"


_MAX_DEPTH = 24  # deeper structures are elided: a reproduction needs the shape, not the bottom


def shorten(value: Any, parent: dict[str, Any] | None = None, key: str | None = None,
            depth: int = 0) -> Any:
    """A copy of ``value`` with base64 data elided, long strings shortened and very deep
    structures cut (so the indenting JSON encoder never runs out of stack)."""
    if isinstance(value, (list, dict)) and depth >= _MAX_DEPTH:
        return f"<{type(value).__name__} nested deeper than {_MAX_DEPTH} levels elided>"
    if isinstance(value, str):
        if parent is not None and key == "data" and parent.get("type") in ("base64", "redacted_thinking"):
            return f"<{parent.get('type')} data, {len(value):,} chars elided>"
        if key == "signature" and len(value) > 40:
            return f"{value[:24]}… [{len(value) - 24:,} chars elided]"
        return shorten_text(value)
    if isinstance(value, list):
        return [shorten(v, depth=depth + 1) for v in value]
    if isinstance(value, dict):
        return {k: shorten(v, value, k if isinstance(k, str) else None, depth + 1)
                for k, v in value.items()}
    return value


# -- markdown helpers ------------------------------------------------------------------------------------


def _longest_run(text: str, ch: str) -> int:
    runs = re.findall(re.escape(ch) + "+", text)
    return max((len(r) for r in runs), default=0)


def code_span(text: str) -> str:
    """Inline code that survives backticks inside ``text``."""
    text = text.replace("\n", " ")
    ticks = "`" * (_longest_run(text, "`") + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def fenced(text: str, lang: str = "") -> str:
    """A fenced block whose fence is longer than any backtick run in ``text``."""
    fence = "`" * max(3, _longest_run(text, "`") + 1)
    return f"{fence}{lang}\n{text}\n{fence}"


def _one_line(value: Any, limit: int = 120) -> str:
    text = json.dumps(shorten(value), ensure_ascii=False, separators=(", ", ": "), default=repr)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


# -- selecting messages ----------------------------------------------------------------------------------


def _message_index(path: Sequence[Any]) -> int | None:
    if len(path) >= 2 and path[0] == "messages" and type(path[1]) is int:
        return path[1]
    return None


def focus_indexes(findings: Iterable[Finding], api_error: str | None, body: dict[str, Any],
                  n_messages: int, context: int) -> list[int]:
    """The message indexes to show: each finding's (and its related paths') message ± context,
    and the message the API error names.  With nothing to focus on, the last message."""
    centres: set[int] = set()
    for f in findings:
        if f.scope != "request":
            continue
        for p in (f.path, *f.related):
            i = _message_index(p)
            if i is not None:
                centres.add(i)
    if api_error:
        loc, _ = api_error_location(api_error, body)
        i = _message_index(loc or ())
        if i is not None:
            centres.add(i)
    centres = {i for i in centres if 0 <= i < n_messages}
    if not centres and n_messages:
        centres = {n_messages - 1}
    keep: set[int] = set()
    for i in centres:
        keep.update(range(max(0, i - context), min(n_messages, i + context + 1)))
    return sorted(keep)


# -- sections ----------------------------------------------------------------------------------------------


def _system_summary(system: Any) -> str:
    if isinstance(system, str):
        return f"text, {len(system):,} chars (omitted)"
    if isinstance(system, list):
        chars = sum(len(b.get("text", "")) for b in system
                    if isinstance(b, dict) and isinstance(b.get("text"), str))
        cached = sum(1 for b in system if isinstance(b, dict) and "cache_control" in b)
        extra = f", {cached} with cache_control" if cached else ""
        return f"{_plural(len(system), 'block')}, {chars:,} chars{extra} (omitted)"
    return _one_line(system)


def _tool_names(tools: Any) -> str:
    if not isinstance(tools, list):
        return _one_line(tools)
    names = []
    for t in tools:
        if isinstance(t, dict) and isinstance(t.get("name"), str):
            kind = t.get("type")
            names.append(code_span(t["name"]) + (f" ({kind})" if isinstance(kind, str) else ""))
        else:
            names.append(code_span(_one_line(t, 40)))
    return f"{len(tools)}: " + ", ".join(names) if names else "none"


def _params(body: dict[str, Any]) -> list[str]:
    rows = ["| parameter | value |", "| --- | --- |"]

    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    for key, value in body.items():
        if key == "model" and isinstance(value, str):
            continue  # shown above the table
        if key == "messages":
            n = len(value) if isinstance(value, list) else None
            rows.append(f"| messages | {n if n is not None else cell(code_span(_one_line(value)))} |")
        elif key == "system":
            rows.append(f"| system | {cell(_system_summary(value))} |")
        elif key == "tools":
            rows.append(f"| tools | {cell(_tool_names(value))} |")
        else:
            rows.append(f"| {cell(str(key))} | {cell(code_span(_one_line(value)))} |")
    return rows


def _finding_lines(findings: Sequence[Finding]) -> list[str]:
    out: list[str] = []
    for f in findings:
        where = f.dotted or "(request)"
        out.append(f"- **{f.code}** {code_span(f.name)} ({f.severity.value}) at {code_span(where)}: "
                   f"{redact_text(f.message).replace(chr(10), ' ')}")
        if f.api_error:
            out.append(f"  - API error: {code_span(redact_text(f.api_error))}")
        if f.related:
            out.append("  - related: " + ", ".join(code_span(to_dotted(r)) for r in f.related))
    return out


def _other_locations(body: dict[str, Any], findings: Sequence[Finding]) -> list[str]:
    """System blocks and tool definitions that findings point at (shown in full, shortened)."""
    seen: set[Path] = set()
    out: list[str] = []
    for f in findings:
        if f.scope != "request" or len(f.path) < 2 or f.path[0] not in ("system", "tools"):
            continue
        top, idx = f.path[0], f.path[1]
        container = body.get(str(top))
        if not isinstance(idx, int) or not isinstance(container, list) or not 0 <= idx < len(container):
            continue
        if (top, idx) in seen:
            continue
        seen.add((top, idx))
        out.append(f"### {to_dotted((top, idx))}")
        out.append("")
        out.append(fenced(json.dumps(shorten(container[idx]), ensure_ascii=False, indent=2), "json"))
        out.append("")
    return out


def _messages(body: dict[str, Any], indexes: list[int]) -> list[str]:
    messages = body.get("messages")
    if not isinstance(messages, list):
        return []
    out: list[str] = []
    prev = -1
    for i in indexes:
        if i - prev > 1:
            out.append(f"*… {_plural(i - prev - 1, 'message')} omitted …*")
            out.append("")
        m = messages[i]
        role = m.get("role") if isinstance(m, dict) else None
        out.append(f"### messages.{i}" + (f" ({role})" if isinstance(role, str) else ""))
        out.append("")
        out.append(fenced(json.dumps(shorten(m), ensure_ascii=False, indent=2), "json"))
        out.append("")
        prev = i
    if len(messages) - 1 > prev:
        out.append(f"*… {_plural(len(messages) - 1 - prev, 'message')} omitted …*")
        out.append("")
    return out


def to_markdown(body: dict[str, Any], findings: Sequence[Finding], *, api_error: str | None,
                title: str | None = None, context: int = 1, beta: Sequence[str] = (),
                api_version: str | None = None) -> str:
    """The reproduction as Markdown text (ends with a newline).  Always redacted."""
    safe = redact_value(body) if isinstance(body, dict) else {}
    findings = list(findings)
    error = redact_text(api_error) if api_error else None
    heading = redact_text(title) if title else "Payload Doctor reproduction"
    out = [f"# {heading.replace(chr(10), ' ')}", ""]
    model = safe.get("model")
    if isinstance(model, str):
        out += [f"Model: {code_span(model)}", ""]
    # The API judges a body by the version and betas it is sent with: a reproduction names them.
    version = (f"{code_span(api_version)} (logged)" if api_version
               else f"{code_span(apishapes.sdk_api_version())} (not logged; what the SDK sends)")
    out += [f"anthropic-version: {version}", ""]
    betas = [b for b in beta if b]
    if betas:
        out += ["anthropic-beta: " + ", ".join(code_span(redact_text(b)) for b in betas), ""]
    out += ["## Request", ""] + _params(safe) + [""]
    if error:
        out += ["## API error", "", fenced(error), ""]
    out += ["## Findings", ""]
    out += _finding_lines(findings) if findings else ["No findings."]
    out.append("")
    others = _other_locations(safe, findings)
    if others:
        out += ["## Referenced system blocks and tools", ""] + others
    messages = safe.get("messages")
    if isinstance(messages, list) and messages:
        idx = focus_indexes(findings, error, safe, len(messages), max(0, context))
        out += ["## Messages", ""] + _messages(safe, idx)
    out.append("*Secrets in this report were redacted by Payload Doctor.*")
    return visible_controls("\n".join(out)) + "\n"


_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]")


def visible_controls(text: str) -> str:
    """Terminal controls, carriage returns, bidi and invisible characters as ``\\uXXXX``: a
    reproduction is read in terminals and on web pages, where they would act or hide text.  In the
    fenced JSON (where ``json.dumps`` already escaped C0 controls) ``\\uXXXX`` is the same JSON."""
    return _CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
