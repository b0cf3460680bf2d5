"""Loading raw Anthropic JSON: every shape of issue #2 (a–h), with source locations and clear errors."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from tui.core.formats import LoadError, load_all
from tui.core.model import LoadIssue

REQ = {"model": "claude-sonnet-4-5", "max_tokens": 64, "messages": [{"role": "user", "content": "hi"}],
       "x_custom": {"kept": True}}
RESP = {"id": "msg_01", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5",
        "content": [{"type": "text", "text": "hello"}], "stop_reason": "end_turn", "stop_sequence": None,
        "usage": {"input_tokens": 3, "output_tokens": 2}}
ERR = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}, "request_id": "req_011C"}


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(text if isinstance(text, bytes) else text.encode())
    return p


@pytest.mark.parametrize("doc,fmt,attr", [
    (REQ, "anthropic-request", "request"),
    (RESP, "anthropic-response", "response"),
    (ERR, "anthropic-error", "error"),
])
def test_single_documents_are_detected(tmp_path, doc, fmt, attr):
    p = write(tmp_path, "one.json", json.dumps(doc, indent=2))
    log, exchanges, issues = load_all(p)
    assert log.format == "anthropic-json" and not issues
    assert exchanges[0].format == fmt
    assert getattr(exchanges[0], attr) == doc  # untouched, unknown fields included


def test_pair_with_error_and_status(tmp_path):
    p = write(tmp_path, "pair.json", json.dumps({"request": REQ, "error": ERR, "status": 529, "trace": "t1"}))
    _, [ex], _ = load_all(p)
    assert (ex.request, ex.error, ex.status, ex.response) == (REQ, ERR, 529, None)
    assert ex.extra == {"trace": "t1"}
    assert ex.request_id is None


def test_pair_with_error_body_in_response_slot(tmp_path):
    p = write(tmp_path, "pair.json", json.dumps({"request": REQ, "response": ERR, "status_code": 529}))
    _, [ex], _ = load_all(p)
    assert ex.error == ERR and ex.response is None and ex.status == 529


def test_array_of_mixed_records_keeps_indexes(tmp_path):
    p = write(tmp_path, "arr.json", json.dumps([REQ, RESP, {"request": REQ, "response": RESP}]))
    log, exchanges, issues = load_all(p)
    assert log.format == "anthropic-json"
    assert [e.source.record for e in exchanges] == [0, 1, 2]
    assert exchanges[2].response == RESP and exchanges[2].status == 200


def test_jsonl_names_bad_lines_and_keeps_good_ones(tmp_path):
    lines = [json.dumps(REQ), "", '{"model": "x", "messages": [', json.dumps([1, 2]), json.dumps(RESP)]
    p = write(tmp_path, "log.jsonl", "\n".join(lines) + "\n")
    log, exchanges, issues = load_all(p)
    assert log.format == "anthropic-jsonl"
    assert [(e.source.line, e.source.record) for e in exchanges] == [(1, 0), (5, 3)]
    assert [(i.line, i.record) for i in issues] == [(3, 1), (4, 2)]
    assert str(issues[0]).startswith(f"{p}:3: invalid JSON at column")
    assert "a JSON list is not a request body" in str(issues[1])


def test_jsonl_byte_offsets_point_at_the_record(tmp_path):
    lines = [json.dumps(REQ), json.dumps(RESP)]
    p = write(tmp_path, "log.jsonl", "\n".join(lines) + "\n")
    _, exchanges, _ = load_all(p)
    data = p.read_bytes()
    for ex in exchanges:
        assert json.loads(data[ex.source.offset:].split(b"\n", 1)[0]) in (REQ, RESP)


def test_bedrock_and_vertex_bodies(tmp_path):
    bedrock = {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 10, "messages": REQ["messages"]}
    vertex = {**bedrock, "anthropic_version": "vertex-2023-10-16"}
    p = write(tmp_path, "b.jsonl", json.dumps(bedrock) + "\n" + json.dumps(vertex) + "\n")
    _, exchanges, _ = load_all(p)
    assert [e.format for e in exchanges] == ["bedrock-request", "vertex-request"]
    assert exchanges[0].model is None


def test_gzip_is_transparent(tmp_path):
    p = tmp_path / "log.jsonl.gz"
    p.write_bytes(gzip.compress((json.dumps(REQ) + "\n" + json.dumps(RESP) + "\n").encode()))
    log, exchanges, issues = load_all(p)
    assert log.format == "anthropic-jsonl.gz" and len(exchanges) == 2 and not issues


def test_utf8_bom_is_accepted(tmp_path):
    p = write(tmp_path, "bom.json", b"\xef\xbb\xbf" + json.dumps(REQ).encode())
    _, [ex], _ = load_all(p)
    assert ex.request == REQ


def test_bare_messages_array(tmp_path):
    p = write(tmp_path, "msgs.json", json.dumps(REQ["messages"]))
    _, [ex], _ = load_all(p)
    assert ex.format == "anthropic-messages" and ex.request == {"messages": REQ["messages"]}


@pytest.mark.parametrize("content,needle", [
    (b"", "the file is empty"),
    (b"   \n\n", "the file is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary file"),
    (b"hello world", "not a log format this tool reads (starts with 'hello world')"),
    ("{}".encode("utf-16"), "UTF-16"),
    (b'{"model": "x", "messages": [\n', "invalid JSON"),
    (b"\x1f\x8b\x08\x00garbage", "gzip data is damaged"),
])
def test_unreadable_files_raise_one_clear_sentence(tmp_path, content, needle):
    p = write(tmp_path, "bad.json", content)
    with pytest.raises(LoadError) as err:
        load_all(p)
    assert str(err.value).startswith(str(p)) and needle in str(err.value)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(LoadError, match="no such file"):
        load_all(tmp_path / "nope.json")
    with pytest.raises(LoadError, match="is a directory"):
        load_all(tmp_path)


def test_nan_is_rejected_with_the_line(tmp_path):
    p = write(tmp_path, "nan.jsonl", json.dumps(REQ) + "\n" + '{"model": "x", "max_tokens": NaN, "messages": []}\n')
    _, exchanges, issues = load_all(p)
    assert len(exchanges) == 1 and issues[0].line == 2 and "NaN is not valid JSON" in issues[0].message


def test_deep_nesting_is_an_issue_not_a_crash(tmp_path):
    deep = '{"model": "x", "messages": ' + "[" * 100_000 + "]" * 100_000 + "}"
    p = write(tmp_path, "deep.jsonl", json.dumps(REQ) + "\n" + deep + "\n")
    _, exchanges, issues = load_all(p)
    assert len(exchanges) == 1 and "nested too deeply" in issues[0].message


def test_invalid_utf8_line_is_named(tmp_path):
    p = write(tmp_path, "bad.jsonl", json.dumps(REQ).encode() + b"\n" + b'{"model": "\xff\xfe"}\n')
    _, exchanges, issues = load_all(p)
    assert len(exchanges) == 1 and issues[0].line == 2 and "UTF-8" in issues[0].message


def test_unrecognised_object_names_its_keys(tmp_path):
    p = write(tmp_path, "x.json", json.dumps({"foo": 1, "bar": 2}))
    _, exchanges, [issue] = load_all(p)
    assert not exchanges and "keys {foo, bar}" in issue.message and isinstance(issue, LoadIssue)


def test_jsonl_whose_first_line_is_longer_than_the_sniffed_head(tmp_path):
    big = {**REQ, "messages": [{"role": "user", "content": "a" * 200_000}]}
    p = write(tmp_path, "big.jsonl", json.dumps(big) + "\n" + json.dumps(REQ) + "\n")
    log, exchanges, issues = load_all(p)
    assert log.format == "anthropic-jsonl" and len(exchanges) == 2 and not issues


def test_one_line_json_file_is_a_single_document(tmp_path):
    p = write(tmp_path, "one.json", json.dumps(REQ) + "\n")
    log, [ex], _ = load_all(p)
    assert log.format == "anthropic-json" and ex.source.line is None


def test_truncated_pretty_printed_document_is_one_error_with_its_line(tmp_path):
    text = json.dumps(REQ, indent=2)
    p = write(tmp_path, "cut.json", text[: len(text) // 2])
    with pytest.raises(LoadError) as err:
        load_all(p)
    assert "invalid JSON" in str(err.value) and "(line " in str(err.value)


def test_jsonl_with_a_damaged_first_line_keeps_the_rest(tmp_path):
    p = write(tmp_path, "log.jsonl", '{"model": "x", "mess\n' + json.dumps(REQ) + "\n" + json.dumps(RESP) + "\n")
    log, exchanges, issues = load_all(p)
    assert log.format == "anthropic-jsonl" and len(exchanges) == 2 and issues[0].line == 1


def test_secret_headers_are_redacted_on_load(tmp_path):
    key = "sk-ant-api03-LIVEkeyLIVEkeyLIVEkey0123456789abcdefghijklmnop-QQQQ"
    p = write(tmp_path, "pair.json", json.dumps({"request": REQ, "response": RESP,
                                                 "headers": {"x-api-key": key, "request-id": "req_1"}}))
    _, [ex], _ = load_all(p)
    assert key not in json.dumps(ex.headers) and ex.headers["request-id"] == "req_1"
