"""Renderers for ``check``: text (rich), JSON (a stable schema other tools parse), GitHub annotations.

Stdout carries data only; diagnostics go to stderr (DESIGN.md §5, harlequin).  Payload text is
untrusted: it is shown literally, never as markup or terminal escapes.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from typing import Any, TextIO

from rich.console import Console
from rich.text import Text

from tui.core.display import escape_invisible_json, printable
from tui.core.findings import Finding, Severity
from tui.core.model import Source

@dataclass(slots=True)
class FileReport:
    path: str
    format: str | None = None
    records: int = 0
    error: str | None = None
    issues: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        error = self.error
        if error is None and self.issues:
            more = f" (and {len(self.issues) - 1} more)" if len(self.issues) > 1 else ""
            error = self.issues[0] + more
        return {"path": self.path, "format": self.format, "records": self.records, "error": error}


@dataclass(slots=True)
class Located:
    """A finding with the record it was found in."""

    source: Source
    finding: Finding


SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def render_text_line(item: Located) -> Text:
    f = item.finding
    line = Text()
    line.append(printable(item.source.where()), style="bold")
    if f.dotted:
        line.append(" ")
        line.append(printable(f.dotted), style="dim")
    line.append(": ")
    line.append(f.code, style=SEVERITY_STYLE[f.severity])
    line.append(f" [{f.severity.value}] ", style=SEVERITY_STYLE[f.severity])
    line.append(printable(f.message))
    if f.fix is not None:
        line.append(f"  [fix: {f.fix.applicability.value}]", style="green" if
                    f.fix.applicability.value == "safe" else "magenta")
    return line


def text_summary(counts: dict[str, int], files: list[FileReport], fixable: dict[str, int]) -> Text:
    n_rec = sum(f.records for f in files)
    parts = [f"{counts['error']} error{'s' * (counts['error'] != 1)}",
             f"{counts['warning']} warning{'s' * (counts['warning'] != 1)}",
             f"{counts['info']} info"]
    t = Text()
    unreadable = [f for f in files if f.error or f.issues]
    if unreadable:
        bad = sum(len(f.issues) + (f.error is not None) for f in unreadable)
        t.append(f"{bad} input problem{'s' * (bad != 1)} (see above); ", style="bold red")
    if not any(counts.values()) and n_rec == 0:
        t.append("Nothing was checked", style="bold red")
    elif not any(counts.values()):
        t.append("All checks passed", style="bold green")
    else:
        t.append("Found " + ", ".join(parts), style="bold")
    t.append(f" in {n_rec} record{'s' * (n_rec != 1)} from {len(files)} file{'s' * (len(files) != 1)}.")
    if fixable["safe"] or fixable["unsafe"]:
        t.append(f" {fixable['safe']} fixable with `payload-doctor fix`")
        if fixable["unsafe"]:
            t.append(f" ({fixable['unsafe']} more with --unsafe-fixes)")
        t.append(".")
    return t


def console(stream: TextIO | None = None) -> Console:
    """A console that never interprets markup or emoji codes in what we print."""
    return Console(file=stream or sys.stdout, markup=False, emoji=False, highlight=False,
                   soft_wrap=True)


class JsonReport:
    """The ``check --format json`` document, written as the findings arrive.

    Keeping every finding until the end cost about 4 KiB each (a day of agent logs holds
    hundreds of thousands), then the whole text once more: here each finding is encoded and
    written when it is found, and only ``files`` and ``summary`` wait for the end.  The value is
    the documented one (``version``, ``findings``, ``files``, ``summary``); the text is the same
    2-space-indented JSON with invisible characters escaped.
    """

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.count = 0
        out.write('{\n  "version": 1,\n  "findings": [')

    def add(self, item: Located) -> None:
        text = _indented(item.finding.to_json(item.source.file, item.source.record), 4)
        self.out.write((",\n" if self.count else "\n") + "    " + text)
        self.count += 1

    def close(self, files: list[FileReport], counts: dict[str, int]) -> None:
        self.out.write(("\n  ]" if self.count else "]") + ',\n  "files": '
                       + _indented([f.to_json() for f in files], 2)
                       + ',\n  "summary": ' + _indented(counts, 2) + "\n}\n")
        self.out.flush()


def _indented(value: object, by: int) -> str:
    """``value`` as indented JSON whose continuation lines start ``by`` spaces in."""
    text = escape_invisible_json(json.dumps(value, ensure_ascii=False, indent=2))
    return text.replace("\n", "\n" + " " * by)


def _gh_escape(s: str, prop: bool = False) -> str:
    s = s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        s = s.replace(":", "%3A").replace(",", "%2C")
    return s


def github_line(item: Located) -> str:
    """A GitHub Actions workflow command: the finding shows as an annotation on the PR."""
    f = item.finding
    level = {"error": "error", "warning": "warning", "info": "notice"}[f.severity.value]
    props = [f"file={_gh_escape(printable(item.source.file), True)}"]
    if item.source.line is not None:
        props.append(f"line={item.source.line}")
    props.append(f"title={_gh_escape(f'{f.code} {f.name}', True)}")
    where = f"record {item.source.record}" + (f" {f.dotted}" if f.dotted else "")
    return f"::{level} {','.join(props)}::{_gh_escape(printable(f'{where}: {f.message}'))}"


def github_problem(file: str, line: int | None, message: str) -> str:
    """An input problem (unreadable file or record) as a GitHub ``::error`` annotation."""
    props = [f"file={_gh_escape(printable(file), True)}"]
    if line is not None:
        props.append(f"line={line}")
    props.append("title=unreadable input")
    return f"::error {','.join(props)}::{_gh_escape(printable(message))}"
