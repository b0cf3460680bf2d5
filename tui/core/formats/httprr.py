"""Go ``httprr`` traces (``golang.org/x/oscar/internal/httprr`` and its copies, e.g. in langchaingo).

A trace is text framed by byte counts: the header line ``httprr trace v1``, then per recorded
call a line ``N1 N2`` followed by exactly N1 bytes of the request as Go writes it on the wire
(``Request.WriteProxy``: ``POST https://host/path HTTP/1.1``, headers, blank line, body) and N2
bytes of the response (``Response.Write``: ``HTTP/2.0 200 OK``, headers, blank line, body — chunked
when the length was not known, as for an event stream).  Scrubbers usually delete the key headers
before writing; any left are redacted on load.  There is no timestamp but the ``Date`` header.

A count that does not fit the file (an edited or cut trace) ends the reading there with one issue
naming the line; the calls before it are kept.
"""

from __future__ import annotations

from collections.abc import Iterator

from tui.core.display import size_text
from tui.core.formats.base import DOCUMENT_LIMIT, Format, Sniff
from tui.core.formats.cassette import Interaction, read_interactions, status_code
from tui.core.formats.reader import LoadError
from tui.core.model import Exchange, LoadIssue

__all__ = ["HTTPRR", "parse_http_message", "dechunk"]

MAGIC = b"httprr trace v1"


def _detect(sniff: Sniff) -> bool:
    return sniff.opened.head.startswith(MAGIC + b"\n") or sniff.opened.head.startswith(MAGIC + b"\r\n")


def dechunk(body: bytes) -> tuple[bytes, str | None]:
    """A ``Transfer-Encoding: chunked`` body joined, and a problem when it is cut or malformed."""
    out = bytearray()
    at = 0
    while True:
        nl = body.find(b"\n", at)
        if nl < 0:
            return bytes(out), "the chunked body is cut (no final zero-length chunk)"
        size_text_ = body[at:nl].split(b";", 1)[0].strip()
        try:
            size = int(size_text_, 16)
        except ValueError:
            return bytes(out), f"a chunk size {size_text_[:20]!r} is not hexadecimal"
        if size == 0:
            return bytes(out), None
        start = nl + 1
        chunk = body[start:start + size]
        out += chunk
        if len(chunk) < size:
            return bytes(out), "the chunked body is cut in the middle of a chunk"
        at = start + size
        if body[at:at + 2] == b"\r\n":
            at += 2
        elif body[at:at + 1] == b"\n":
            at += 1


def parse_http_message(raw: bytes) -> tuple[str, list[tuple[str, str]], bytes, str | None]:
    """``(start line, headers, body, problem)`` of one HTTP/1.x message as Go writes it."""
    sep = raw.find(b"\r\n\r\n")
    cut = 4
    if sep < 0:
        sep, cut = raw.find(b"\n\n"), 2
    if sep < 0:
        head, body = raw, b""
    else:
        head, body = raw[:sep], raw[sep + cut:]
    lines = head.decode("utf-8", "replace").replace("\r\n", "\n").split("\n")
    start = lines[0].strip() if lines else ""
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if colon and name.strip():
            headers.append((name.strip(), value.strip()))
    problem = None
    if any(n.lower() == "transfer-encoding" and "chunked" in v.lower() for n, v in headers):
        body, problem = dechunk(body)
    return start, headers, body, problem


def _interaction(index: int, line: int, req: bytes, resp: bytes) -> Interaction:
    start, req_headers, req_body, req_problem = parse_http_message(req)
    parts = start.split(" ")
    method = parts[0] if parts else ""
    url = parts[1] if len(parts) > 1 else ""
    if url.startswith("/"):
        host = next((v for n, v in req_headers if n.lower() == "host"), "")
        url = f"https://{host}{url}" if host else url
    status_line, resp_headers, resp_body, resp_problem = parse_http_message(resp)
    status_parts = status_line.split(" ")
    status = status_code(status_parts[1]) if len(status_parts) > 1 and status_parts[0].startswith("HTTP/") else None
    it = Interaction(index=index, method=method, url=url, request_headers=req_headers,
                     request_body=req_body or None, status=status, response_headers=resp_headers,
                     response_body=resp_body, line=line, request_problem=req_problem,
                     response_problem=resp_problem if not resp_body else None)
    if resp_problem and resp_body:
        it.extra["body_problem"] = resp_problem  # a cut stream: the SSE reassembly reports what is missing
    if not status_line.startswith("HTTP/"):
        it.has_response = False
    return it


def _records(sniff: Sniff, data: bytes) -> Iterator[Interaction | LoadIssue]:
    name = sniff.name
    first = data.find(b"\n")
    at = first + 1
    index = 0
    while at < len(data):
        if not data[at:].strip():
            return
        nl = data.find(b"\n", at)
        line = data.count(b"\n", 0, at) + 1
        counts = data[at:nl if nl >= 0 else len(data)].strip().split(b" ")
        try:
            n1, n2 = (int(c) for c in counts) if len(counts) == 2 else (-1, -1)
        except ValueError:
            n1 = n2 = -1
        body_at = nl + 1
        if nl < 0 or n1 < 0 or n2 < 0 or body_at + n1 + n2 > len(data):
            shown = data[at:at + 40].decode("utf-8", "replace").split("\n")[0]
            why = (f"the byte counts {shown!r} run past the end of the file (cut or edited?)"
                   if n1 >= 0 and n2 >= 0 and nl >= 0 else
                   f"expected a line of two byte counts (`N1 N2`), found {shown!r}")
            yield LoadIssue(name, f"the trace is damaged here: {why}; the rest of the file is not read",
                            record=index, line=line)
            return
        req = data[body_at:body_at + n1]
        resp = data[body_at + n1:body_at + n1 + n2]
        yield _interaction(index, line, req, resp)
        index += 1
        at = body_at + n1 + n2


def _read(sniff: Sniff) -> Iterator[Exchange | LoadIssue]:
    name = sniff.name
    with sniff.opened.open() as f:
        data = f.read(DOCUMENT_LIMIT + 1)
    if len(data) > DOCUMENT_LIMIT:
        raise LoadError(f"{name}: an httprr trace over {size_text(DOCUMENT_LIMIT)} is not read")
    if not data.startswith(MAGIC):
        raise LoadError(f"{name}: not an httprr trace (the first line must be `httprr trace v1`)")
    records = list(_records(sniff, data))
    if not any(isinstance(r, Interaction) for r in records) and not any(isinstance(r, LoadIssue) for r in records):
        yield LoadIssue(name, "the trace holds no recorded calls: nothing to check")
        return
    yield from read_interactions(name, "httprr", records, what="recorded calls")


HTTPRR = Format("httprr", "Go httprr trace (`httprr trace v1`, byte-counted HTTP requests and responses)",
                _detect, _read)
