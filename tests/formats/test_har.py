"""HAR captures: devtools and mitmproxy styles, Messages entries only, SSE and base64 bodies,
redacted header lists, and damaged files or entries that name file and entry."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from tests.rulekit import findings
from tui.core.formats import LoadError, load_all

FORMATS = Path(__file__).resolve().parents[2] / "sample_payloads" / "formats"
DEVTOOLS = FORMATS / "har_devtools.har"
MITM = FORMATS / "har_mitmproxy.har"
REQ = {"model": "claude-sonnet-4-5", "max_tokens": 64, "messages": [{"role": "user", "content": "hi"}]}


def check(ex, code: str):
    return [f for f in findings(ex.request, response=ex.response, error=ex.error, status=ex.status, extra=ex.extra)
            if f.code == code]


def har(*entries) -> dict:
    return {"log": {"version": "1.2", "creator": {"name": "test", "version": "1"}, "entries": list(entries)}}


def entry(url="https://api.anthropic.com/v1/messages", body=REQ, status=200, text=None, **content):
    e = {"startedDateTime": "2025-06-03T14:20:00.000Z", "time": 1200.5,
         "request": {"method": "POST", "url": url, "headers": [{"name": "x-api-key", "value": "sk-ant-api03-" + "A" * 40}],
                     "postData": {"mimeType": "application/json", "text": json.dumps(body)}},
         "response": {"status": status, "headers": [{"name": "request-id", "value": "req_011Z"}],
                      "content": {"mimeType": "application/json", **({"text": text} if text is not None else {}), **content}},
         "timings": {"wait": 900.0, "receive": 300.5}}
    return e


def write(tmp_path: Path, doc: dict | str, name: str = "capture.har") -> Path:
    p = tmp_path / name
    p.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return p


def test_har_devtools_sample_is_detected():
    log, exchanges, issues = load_all(DEVTOOLS)
    assert log.format == "har" and not issues
    assert [e.source.record for e in exchanges] == [2, 3, 4]  # entry indexes: the script and preflight are skipped


def test_har_devtools_sample_loads_messages_entries():
    _, [ok, rejected, no_body], _ = load_all(DEVTOOLS)
    assert ok.request["messages"][0]["content"].startswith("test_checkout_applies_discount")
    assert ok.response["content"][1]["name"] == "read_file" and ok.status == 200
    assert (ok.started_at, ok.duration_ms, ok.extra["ttfb_ms"]) == ("2025-06-03T14:20:01.100Z", 2214.7, 2190.3)
    assert ok.request_id == "req_011CQx1A2b3C4d5E6f7G8h9J"
    assert rejected.status == 400 and rejected.error["error"]["type"] == "invalid_request_error"
    assert no_body.response is None and "with content" in no_body.extra["response_note"]


def test_har_sample_defect_is_found_by_the_checker():
    _, [_, rejected, _], _ = load_all(DEVTOOLS)
    [p001] = check(rejected, "P001")
    assert p001.path == ("messages", 1, "content", 1)
    [e001] = check(rejected, "E001")
    assert "P001" in e001.message


def test_har_header_lists_are_redacted():
    for sample in (DEVTOOLS, MITM):
        _, exchanges, _ = load_all(sample)
        for ex in exchanges:
            dumped = json.dumps(ex.to_native())
            assert "sk-ant-api03-Zm9v" not in dumped and "sk-ant-oat01-T2F1" not in dumped
            assert "sk-ant-api03-bWl0" not in dumped
        assert any("[REDACTED]" in v for ex in exchanges for v in ex.extra["request_headers"].values())


def test_har_mitmproxy_base64_stream_and_failed_flow():
    log, [streamed, killed], issues = load_all(MITM)
    assert log.format == "har" and not issues
    assert streamed.response["content"][0]["text"].startswith("The SPRING10 code is missing")
    assert streamed.response["stop_reason"] == "end_turn" and "stream_defects" not in streamed.extra
    assert killed.status is None and killed.extra["transport_error"] == "Connection killed."
    assert check(killed, "E002")


def test_har_cut_sse_body_is_reported(tmp_path):
    sse = ('event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message",'
           '"role":"assistant","model":"m","content":[],"stop_reason":null,"usage":{"input_tokens":1,"output_tokens":1}}}\n\n'
           'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n'
           'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hal"}}\n\n')
    p = write(tmp_path, har(entry(text=base64.b64encode(sse.encode()).decode(), encoding="base64")))
    _, [ex], _ = load_all(p)
    assert ex.response["content"] == [{"type": "text", "text": "Hal"}]
    assert check(ex, "F001")[0].path == ("content", 0)


def test_har_other_hosts_and_gateways(tmp_path):
    doc = har(entry(url="https://cdn.example.com/app.js"),
              entry(url="http://localhost:4000/anthropic/v1/messages"),
              entry(url="https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-sonnet-4-5-v1%3A0/invoke",
                    body={"anthropic_version": "bedrock-2023-05-31", "max_tokens": 10, "messages": REQ["messages"]}))
    _, [gateway, bedrock], issues = load_all(write(tmp_path, doc))
    assert not issues and gateway.source.record == 1
    assert bedrock.extra["url_model"] == "anthropic.claude-sonnet-4-5-v1:0"


def test_har_without_messages_calls_is_one_issue(tmp_path):
    _, exchanges, [issue] = load_all(write(tmp_path, har(entry(url="https://example.com/a.css"))))
    assert not exchanges and "no Messages API call among the 1 HAR entries" in str(issue)


def test_har_bad_entries_name_file_and_entry(tmp_path):
    bad_body = entry()
    bad_body["request"]["postData"]["text"] = '{"model": "x", "messages": ['
    no_request = {"startedDateTime": "2025-06-03T14:20:00Z"}
    p = write(tmp_path, har(entry(), bad_body, no_request, "nonsense"))
    _, [ok], issues = load_all(p)
    assert ok.response is None and ok.extra["response_note"]  # the test entry has no response text
    assert [str(i).split(": ", 1)[0] for i in issues] == [f"{p}#1 at /log/entries/1", f"{p}#2 at /log/entries/2",
                                                          f"{p}#3 at /log/entries/3"]
    assert "entry 1: request.postData.text is not JSON (invalid JSON at column" in str(issues[0])
    assert "entry 2: entry has no `request` object" in str(issues[1])
    assert "entry 3: entry is str, expected an object" in str(issues[2])


def test_har_cut_file_is_a_load_error_naming_the_har(tmp_path):
    text = json.dumps(har(entry(text=json.dumps({"type": "message"}))), indent=1)
    p = write(tmp_path, text[: len(text) // 2])
    with pytest.raises(LoadError) as err:
        load_all(p)
    assert str(err.value).startswith(f"{p}: the HAR file is cut or damaged: invalid JSON")
    assert "(line " in str(err.value)
