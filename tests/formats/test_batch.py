"""Anthropic Message Batches: input and results JSONL, the create body, and bad lines."""

from __future__ import annotations

import json
from pathlib import Path

from tests.rulekit import findings
from tui.core.formats import load_all

FORMATS = Path(__file__).resolve().parents[2] / "sample_payloads" / "formats"
INPUT = FORMATS / "batch_input.jsonl"
RESULTS = FORMATS / "batch_results.jsonl"
REQ = {"model": "claude-sonnet-4-5", "max_tokens": 64, "messages": [{"role": "user", "content": "hi"}]}


def codes(ex) -> set[str]:
    return {f.code for f in findings(ex.request, response=ex.response, error=ex.error, status=ex.status,
                                     extra=ex.extra)}


def test_batch_samples_are_detected():
    for sample in (INPUT, RESULTS):
        log, _, issues = load_all(sample)
        assert log.format == "anthropic-batch" and not issues


def test_batch_input_loads_requests_with_custom_ids():
    _, exchanges, _ = load_all(INPUT)
    assert [e.extra["custom_id"] for e in exchanges] == ["ticket-4711-triage", "ticket-4712-triage",
                                                         "ticket-4713-triage"]
    assert exchanges[0].request["messages"][0]["content"] == "I was charged twice for order #4711."
    assert [e.source.line for e in exchanges] == [1, 2, 3]


def test_batch_input_defects_are_found():
    _, [ok, blank, dangling], _ = load_all(INPUT)
    assert "C003" in codes(blank) and "P001" in codes(dangling)
    assert not {"C003", "P001"} & codes(ok)


def test_batch_results_load_every_result_type():
    _, [errored, succeeded, expired, canceled], _ = load_all(RESULTS)
    assert succeeded.response["content"] == [{"type": "text", "text": "billing"}] and succeeded.status == 200
    assert errored.request_id == "req_011CQz3Ba7Tc8Hb9Ev0Rr1Ee" and "E001" in codes(errored)
    assert (expired.extra["batch_result"], canceled.extra["batch_result"]) == ("expired", "canceled")
    assert expired.response is None and expired.error is None


def test_batch_create_body_document(tmp_path):
    p = tmp_path / "create.json"
    p.write_text(json.dumps({"requests": [{"custom_id": "a", "params": REQ}, {"custom_id": "b", "params": "x"}]}))
    log, [ex], [issue] = load_all(p)
    assert log.format == "anthropic-batch-json" and ex.request == REQ and ex.extra == {"custom_id": "a"}
    assert str(issue) == f"{p}#1 at /requests/1: custom_id 'b': `params` is str, expected the request object"


def test_batch_bad_lines_name_file_and_line(tmp_path):
    lines = [json.dumps({"custom_id": "a", "params": REQ}),
             json.dumps({"custom_id": "b", "params": REQ})[:40],
             json.dumps({"custom_id": "c", "params": ["wrong"]}),
             json.dumps({"custom_id": "d", "result": {"type": "exploded"}}),
             json.dumps({"custom_id": "e", "result": {"type": "succeeded"}}),
             json.dumps({"id": 1})]
    p = tmp_path / "in.jsonl"
    p.write_text("\n".join(lines) + "\n")
    _, [ok], issues = load_all(p)
    assert ok.extra["custom_id"] == "a"
    assert [i.line for i in issues] == [2, 3, 4, 5, 6]
    assert str(issues[0]).startswith(f"{p}:2: invalid JSON")
    assert "custom_id 'c': `params` is list" in str(issues[1])
    assert "`result` type 'exploded' is not one of canceled, errored, expired, succeeded" in str(issues[2])
    assert "a succeeded result without a `message` object" in str(issues[3])
    assert "not a batch line" in str(issues[4])
