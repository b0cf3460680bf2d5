"""LogIndex: byte-offset index of JSONL logs (plain and gzip), records parsed on demand."""

from __future__ import annotations

import dataclasses
import gzip
import io
import json
import threading
import time
from array import array
from pathlib import Path

import pytest

import tui.core.index as index_mod
from tui.core.formats import LoadError, load_all
from tui.core.formats.jsonish import ANTHROPIC_JSONL
from tui.core.formats.reader import open_bytes
from tui.core.index import LogIndex, NotIndexable, _LineSniff
from tui.core.model import Exchange, LoadIssue

INCIDENT = Path(__file__).resolve().parents[1] / "sample_payloads" / "incident.jsonl"


def body(i: int) -> dict:
    return {"model": "claude-sonnet-4-5", "max_tokens": 256,
            "messages": [{"role": "user", "content": f"step {i}: read src/m{i}.py and run the tests"}]}


def native(i: int) -> dict:
    return {"request": body(i), "response": None, "error": None, "status": 200,
            "started_at": f"2026-01-05T12:00:{i % 60:02d}Z", "duration_ms": 900, "headers": {},
            "request_id": f"req_011C{i:08d}", "source": {"file": "x", "record": i, "line": i + 1}}


def write_jsonl(path: Path, n: int) -> Path:
    path.write_text("".join(json.dumps(native(i)) + "\n" for i in range(n)), encoding="utf-8")
    return path


def test_incident_loads_exactly_like_the_streaming_reader():
    _, exchanges, issues = load_all(INCIDENT)
    with LogIndex.open(INCIDENT) as idx:
        assert idx.format == "anthropic-jsonl" and len(idx) == 0  # nothing scanned yet
        idx.build()
        assert idx.done and len(idx) == len(exchanges) == 9 and not issues
        for i, want in enumerate(exchanges):
            got = idx.record(i)
            assert isinstance(got, Exchange)
            assert (got.request, got.response, got.error, got.status) == (
                want.request, want.response, want.error, want.status)
            assert got.source == want.source  # file, record, line and byte offset
        assert idx.record(2).status == 400 and idx.record(7).response["type"] == "message"
        # secrets in logged headers are masked on load
        assert idx.record(5).headers["x-api-key"].endswith("[REDACTED]…AAAA")
        assert idx.record(5).headers["retry-after"] == "12"


def test_first_records_are_available_before_the_scan_ends(tmp_path, monkeypatch):
    monkeypatch.setattr(index_mod, "STEP", 4096)
    p = write_jsonl(tmp_path / "big.jsonl", 400)
    idx = LogIndex.open(p)
    steps = idx.scan()
    first = next(steps)
    assert 0 < len(idx) < 400 and not first.done and 0 < first.fraction < 1
    assert first.scanned_bytes == 4096 and first.total_bytes == p.stat().st_size
    assert idx.record(0).request == body(0)  # readable while the scan goes on
    last = list(steps)[-1]
    assert last.done and last.fraction == 1.0 and len(idx) == 400
    assert idx.record(399).request == body(399)
    assert isinstance(idx._offsets, array) and idx._offsets.typecode == "Q"  # offsets, not lines
    idx.close()


def test_scan_is_cancellable_from_another_thread_and_keeps_what_it_indexed(tmp_path, monkeypatch):
    monkeypatch.setattr(index_mod, "STEP", 2048)
    p = write_jsonl(tmp_path / "big.jsonl", 600)
    idx = LogIndex.open(p)
    seen = []

    def worker():
        for prog in idx.scan():
            seen.append(prog)
            time.sleep(0.001)

    t = threading.Thread(target=worker)
    t.start()
    while not seen:
        time.sleep(0.001)
    idx.cancel()
    t.join(5)
    assert idx.cancelled and not idx.done and 0 < len(idx) < 600
    assert idx.record(len(idx) - 1).request == body(len(idx) - 1)
    idx.close()


def test_blank_lines_crlf_bom_and_a_last_line_without_newline(tmp_path):
    lines = [json.dumps(native(0)), "", "   ", json.dumps(native(1)), "\t", json.dumps(native(2))]
    p = tmp_path / "mixed.jsonl"
    p.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode())
    _, exchanges, _ = load_all(p)
    idx = LogIndex.open(p).build()
    assert len(idx) == 3 == len(exchanges)
    assert [idx.line(i) for i in range(3)] == [1, 4, 6] == [e.source.line for e in exchanges]
    assert [idx.record(i).request for i in range(3)] == [body(0), body(1), body(2)]
    assert idx.offset(0) == 3  # after the BOM: a byte offset into the file itself


def test_malformed_records_become_load_issues_naming_file_and_line(tmp_path):
    good = json.dumps(native(0))
    p = tmp_path / "bad.jsonl"
    p.write_text("\n".join([good, "[1, 2, 3]", '{"request": "not an object", "response": null}',
                            good, good[: len(good) // 2]]), encoding="utf-8")
    idx = LogIndex.open(p).build()
    assert len(idx) == 5
    shape, wrong_request, cut = idx.record(1), idx.record(2), idx.record(4)
    assert isinstance(shape, LoadIssue) and str(shape).startswith(f"{p}:2: ")
    assert "not a request body" in shape.message
    assert isinstance(wrong_request, LoadIssue) and str(wrong_request).startswith(f"{p}:3: ")
    assert isinstance(cut, LoadIssue) and str(cut).startswith(f"{p}:5: invalid JSON")
    assert isinstance(idx.record(3), Exchange)


def test_first_line_broken_is_still_indexed(tmp_path):
    p = tmp_path / "firstbad.jsonl"
    p.write_text('{"request": {"model": \n' + json.dumps(native(1)) + "\n" + json.dumps(native(2)) + "\n")
    idx = LogIndex.open(p).build()
    assert isinstance(idx.record(0), LoadIssue) and idx.record(1).request == body(1)


def test_a_record_over_the_limit_is_not_read(tmp_path, monkeypatch):
    monkeypatch.setattr(index_mod, "RECORD_LIMIT", 1000)
    p = tmp_path / "huge.jsonl"
    big = native(0)
    big["request"]["messages"][0]["content"] = "x" * 5000
    p.write_text(json.dumps(native(1)) + "\n" + json.dumps(big) + "\n" + json.dumps(big) + "\n")
    idx = LogIndex.open(p).build()
    for i in (1, 2):  # in the middle (end known) and the last record (end searched)
        issue = idx.record(i)
        assert isinstance(issue, LoadIssue) and "not read" in issue.message and issue.line == i + 1


def test_single_huge_one_line_document_is_not_indexed_and_not_parsed(tmp_path, monkeypatch):
    doc = {"model": "claude-sonnet-4-5", "max_tokens": 64,
           "messages": [{"role": "user", "content": "y" * (8 << 20)}]}
    p = tmp_path / "one.json"
    p.write_text(json.dumps(doc))
    calls = []
    monkeypatch.setattr("tui.core.formats.base.parse_json", lambda t: calls.append(len(t)))
    t0 = time.perf_counter()
    with pytest.raises(NotIndexable, match="not JSONL"):
        LogIndex.open(p)
    assert time.perf_counter() - t0 < 1.0 and not calls


def test_formats_whose_exchanges_span_lines_are_not_indexable(tmp_path, monkeypatch):
    monkeypatch.setattr(index_mod, "LINE_PARSERS", {})
    monkeypatch.setattr(index_mod, "LINE_FORMATS", frozenset())
    with pytest.raises(NotIndexable, match="not one exchange each"):
        LogIndex.open(INCIDENT)


def test_unreadable_file_is_a_load_error(tmp_path):
    with pytest.raises(LoadError, match="no such file"):
        LogIndex.open(tmp_path / "missing.jsonl")
    (tmp_path / "bin.jsonl").write_bytes(b"\x00\x01\x02" * 10)
    with pytest.raises(LoadError, match="binary"):
        LogIndex.open(tmp_path / "bin.jsonl")


def test_detection_never_reads_a_jsonl_file_whole(tmp_path):
    p = write_jsonl(tmp_path / "log.jsonl", 300)
    opened = open_bytes(p)
    read = [0]

    def counting():
        raw = opened.open()
        data = raw.read()
        read[0] += len(data)
        return io.BytesIO(data)

    sniff = _LineSniff(dataclasses.replace(opened, open=counting))
    assert sniff.is_jsonl
    read[0] = 0
    assert sniff.document_or_none() is None and read[0] == 0


# -- gzip -----------------------------------------------------------------------------------

def _gz(tmp_path: Path, n: int, members: int = 3) -> tuple[Path, list[bytes]]:
    lines = [json.dumps(native(i)).encode() + b"\n" for i in range(n)]
    cut = [len(lines) * k // members for k in range(members + 1)]
    p = tmp_path / "log.jsonl.gz"
    p.write_bytes(b"".join(gzip.compress(b"".join(lines[a:b])) for a, b in zip(cut, cut[1:])) + b"\0\0")
    return p, lines


def test_gzip_is_indexed_over_the_decompressed_stream_with_random_access(tmp_path, monkeypatch):
    monkeypatch.setattr(index_mod, "STEP", 8192)
    monkeypatch.setattr(index_mod, "CHECKPOINT_SPACING", 4096)
    monkeypatch.setattr(index_mod, "IN_CHUNK", 1024)
    p, lines = _gz(tmp_path, 300)
    idx = LogIndex.open(p)
    progress = list(idx.scan())
    assert idx.format == "anthropic-jsonl.gz" and idx.problem is None and len(idx) == 300
    assert progress[-1].total_bytes == p.stat().st_size  # progress in compressed bytes
    assert len(idx._checkpoints) > 5
    assert idx.offset(10) == sum(map(len, lines[:10]))  # decompressed offsets
    for i in [299, 0, 150, 151, 152, 7, 298, 40]:  # random order, then sequential (cursor)
        got = idx.record(i)
        assert isinstance(got, Exchange) and got.request == body(i), i
        assert got.source.offset == idx.offset(i)
    idx.close()


def test_gzip_truncated_keeps_the_records_before_the_cut(tmp_path):
    p, _ = _gz(tmp_path, 2000, members=1)
    data = p.read_bytes()
    p.write_bytes(data[: len(data) * 2 // 3])
    idx = LogIndex.open(p).build()
    assert idx.problem and "ends early" in idx.problem
    assert 500 < len(idx) < 2000
    assert idx.record(0).request == body(0)
    last = idx.record(len(idx) - 1)
    assert isinstance(last, LoadIssue) and last.line == len(idx)  # the cut line, named


def test_line_formats_are_read_by_their_own_reader_one_line_at_a_time(tmp_path):
    """The generic path (LINE_FORMATS) gives what the format's streaming reader gives."""
    direct = LogIndex.open(INCIDENT).build()
    generic = LogIndex(open_bytes(INCIDENT), ANTHROPIC_JSONL, None)  # no direct parser
    generic._start()
    generic.build()
    assert len(generic) == len(direct) == 9
    for i in range(9):
        a, b = direct.record(i), generic.record(i)
        assert (a.request, a.error, a.status, a.source) == (b.request, b.error, b.status, b.source)
        assert a.headers == b.headers


SAMPLES = Path(__file__).resolve().parents[1] / "sample_payloads" / "formats"


def _indexable_samples() -> list[Path]:
    out = []
    for p in sorted(SAMPLES.glob("*")) if SAMPLES.is_dir() else []:
        try:
            LogIndex.open(p).close()
        except (NotIndexable, LoadError):
            continue
        out.append(p)
    return out


@pytest.mark.parametrize("sample", _indexable_samples(), ids=lambda p: p.name)
def test_every_indexable_sample_loads_like_its_streaming_reader(sample):
    from tui.core.redact import redact_headers

    log, exchanges, _ = load_all(sample)
    with LogIndex.open(sample) as idx:
        idx.build()
        assert idx.format == log.format
        for want in exchanges:
            got = idx.record(want.source.record)
            assert isinstance(got, Exchange), (sample.name, want.source, got)
            assert (got.request, got.response, got.error, got.status, got.dialect) == (
                want.request, want.response, want.error, want.status, want.dialect)
            assert (got.source.record, got.source.line) == (want.source.record, want.source.line)
            assert got.headers == redact_headers(want.headers)


@pytest.mark.parametrize("step", [1, 2, 3, 7, 64, 4096])
def test_offsets_and_line_numbers_match_a_naive_reading_at_any_step_size(tmp_path, monkeypatch, step):
    import random

    rng = random.Random(step)
    pieces = []
    for i in range(120):
        pieces.append(rng.choice(["", " ", "\t\r", "  ", json.dumps({"i": i}), " " + json.dumps({"i": i}),
                                  json.dumps({"i": i, "pad": "x" * rng.randint(0, 50)}) + "\r"]))
    data = "\n".join(pieces).encode()
    p = tmp_path / "r.jsonl"
    p.write_bytes(data)
    want, offset = [], 0
    for lineno, raw in enumerate(data.split(b"\n"), start=1):
        if raw.strip():
            want.append((offset, lineno))
        offset += len(raw) + 1
    monkeypatch.setattr(index_mod, "STEP", step)
    idx = LogIndex(open_bytes(p), ANTHROPIC_JSONL, index_mod.LINE_PARSERS["anthropic-jsonl"])
    idx._start()
    idx.build()
    assert [(idx.offset(i), idx.line(i)) for i in range(len(idx))] == want
    assert all(idx.raw(i).strip() == data[o:].split(b"\n", 1)[0].strip() for i, (o, _) in enumerate(want))


def test_gzip_damaged_in_the_middle_stops_the_scan_with_a_clear_problem(tmp_path):
    p, _ = _gz(tmp_path, 3000, members=1)
    data = bytearray(p.read_bytes())
    mid = len(data) * 7 // 10
    data[mid:mid + 64] = b"\xff" * 64
    p.write_bytes(bytes(data))
    idx = LogIndex.open(p).build()
    assert idx.done and idx.problem and "damaged" in idx.problem and str(p) in idx.problem
    # deflate may decode garbage past the damage until its checksum fails: those lines become
    # LoadIssues when read; the records before the damage are intact
    assert len(idx) > 100 and idx.record(0).request == body(0) and idx.record(100).request == body(100)
