"""Langfuse trace downloads: detection, loading, defects, malformed input."""

from __future__ import annotations

import json
from pathlib import Path

from tui.core.check import check_exchange
from tui.core.formats import load_all

SAMPLE = Path(__file__).resolve().parents[2] / "sample_payloads" / "formats" / "langfuse-trace.json"


def trace() -> dict:
    return json.loads(SAMPLE.read_text())


def write(tmp_path: Path, name: str, doc) -> Path:
    p = tmp_path / name
    p.write_text(json.dumps(doc, indent=2))
    return p


def test_ui_download_and_api_shape_are_detected(tmp_path):
    log, exchanges, issues = load_all(SAMPLE)
    assert log.format == "langfuse" and len(exchanges) == 3 and not issues
    doc = trace()
    api = {**doc["trace"], "htmlPath": "/project/p/traces/t", "latency": 7.78, "totalCost": 0.0012,
           "observations": doc["observations"], "scores": []}
    log, exchanges, _ = load_all(write(tmp_path, "api.json", api))
    assert log.format == "langfuse" and len(exchanges) == 3


def test_one_exchange_per_generation_with_sniffed_dialects():
    _, exchanges, _ = load_all(SAMPLE)
    assert [(e.format, e.dialect, e.extra["langfuse"]["observation_id"]) for e in exchanges] == [
        ("langfuse-generation", "openai-chat", "obs-gen-0002"),
        ("langfuse-generation", "openai-chat", "obs-gen-0004"),
        ("langfuse-generation", "anthropic", "obs-gen-0005"),
    ]
    assert [e.source.record for e in exchanges] == [0, 1, 2]


def test_openai_generation_rebuilds_request_and_wraps_the_output():
    _, exchanges, _ = load_all(SAMPLE)
    ex = exchanges[0]
    assert ex.request["model"] == "gpt-4o-2024-08-06"
    assert ex.request["tools"][0]["function"]["name"] == "lookup_order"
    assert [m["role"] for m in ex.request["messages"]] == ["system", "user"]
    assert ex.request["temperature"] == 0.2 and "max_tokens" not in ex.request  # "Infinity" is no value
    choice = ex.response["choices"][0]
    assert choice["message"]["tool_calls"][0]["id"] == "call_Wm8Kq2Zr5Xn1Lb7Tc4Yd9Fh3"
    assert ex.response["usage"] == {"prompt_tokens": 402, "completion_tokens": 19, "total_tokens": 421}
    assert (ex.started_at, ex.duration_ms, ex.extra["ttft_ms"], ex.status) == (
        "2025-10-17T09:14:02.130Z", 1272.0, 821.0, 200)
    assert ex.extra["langfuse"]["session_id"] == "sess_9f8e7d6c"


def test_anthropic_generation_gets_its_system_prompt_back_at_the_top():
    _, exchanges, _ = load_all(SAMPLE)
    ex = exchanges[2]
    assert ex.request["system"] == "Summarize support tickets in one sentence."
    assert [m["role"] for m in ex.request["messages"]] == ["user"]
    assert ex.request["max_tokens"] == 300
    assert ex.response is None and ex.extra["output"]["role"] == "assistant"
    assert not [f for f in check_exchange(ex) if f.severity.value == "error"]


def test_defect_error_generation_has_status_error_and_q_findings():
    _, exchanges, _ = load_all(SAMPLE)
    ex = exchanges[1]
    assert ex.status == 400 and "must be a response to a preceeding message" in ex.error["error"]["message"]
    assert sorted((f.code, f.dotted) for f in check_exchange(ex)) == [
        ("E001", "error"), ("Q001", "messages.2.tool_calls.0"), ("Q002", "messages.3")]


def test_generation_without_usable_input_is_a_load_issue(tmp_path):
    doc = trace()
    obs = doc["observations"]
    obs[1] = {**obs[1], "input": None}
    obs[3] = {**obs[3], "input": "Summarize: the customer wants a refund."}
    obs[4] = {**obs[4], "input": {"question": "where is my order"}}
    obs.append("not an observation")
    p = write(tmp_path, "trace.json", doc)
    _, exchanges, issues = load_all(p)
    assert exchanges == []
    assert [str(i) for i in issues] == [
        f"{p}#0 at /observations/1/input: generation 'OpenAI-generation': the generation's input was not stored "
        f"(Langfuse omits the input/output of large traces from downloads); download it with IO or use the API",
        f"{p}#1 at /observations/3/input: generation 'OpenAI-generation': the generation's input is plain text "
        f"(a prompt), not a chat request",
        f"{p}#2 at /observations/4/input: generation 'summarize-ticket': the generation's input is an object "
        f"with keys {{question}}, not a list of chat messages",
        f"{p}#3 at /observations/6: observation 6 is not an object",
    ]


def test_trace_without_generations_and_array_of_traces(tmp_path):
    doc = trace()
    spans_only = {**doc, "observations": [o for o in doc["observations"] if o["type"] != "GENERATION"]}
    p = write(tmp_path, "traces.json", [doc, spans_only])
    _, exchanges, [issue] = load_all(p)
    assert len(exchanges) == 3
    assert str(issue) == (f"{p}#1: the trace has no GENERATION observation (only EVENT, SPAN, TOOL); there is "
                          f"no model call to check")


def test_observe_decorator_input_is_unwrapped(tmp_path):
    doc = trace()
    gen = doc["observations"][1]
    gen["input"] = {"args": [], "kwargs": {"model": "gpt-4o", "messages": gen["input"]["messages"], "max_tokens": 200}}
    doc["observations"] = [gen]
    _, [ex], _ = load_all(write(tmp_path, "observe.json", doc))
    assert ex.request["max_tokens"] == 200 and ex.request["model"] == "gpt-4o"


def test_truncated_download_is_a_load_error_naming_the_line(tmp_path):
    text = SAMPLE.read_text()
    p = tmp_path / "trace-cut.json"
    p.write_text(text[: len(text) // 2])
    try:
        load_all(p)
    except Exception as exc:  # noqa: BLE001 - the loader's documented LoadError
        assert type(exc).__name__ == "LoadError"
        assert str(exc).startswith(f"{p}: invalid JSON") and "(line " in str(exc)
    else:
        raise AssertionError("a truncated document must not load")
