"""OpenAI's error envelope: parsed, classified like Anthropic's, located through ``param`` and mapped
to its Q rule, with the exact texts public reports quote; and E001 on OpenAI exchanges."""

from __future__ import annotations

import json

import pytest

from tests.rulekit import findings
from tui.core.errors import ErrorClass, classify, explain, openai_path, parse_error_body


def openai_body(message: str, param: str | None = None, code: str | None = None,
                etype: str = "invalid_request_error") -> dict:
    return {"error": {"message": message, "type": etype, "param": param, "code": code}}


# -- parsing -----------------------------------------------------------------------------------------

def test_parse_openai_envelope_keeps_param_and_code():
    body = openai_body("Unsupported parameter: 'stop' is not supported with this model.", "stop", "unsupported_parameter")
    e = parse_error_body(body, 400)
    assert (e.status, e.type, e.envelope, e.param, e.code) == (400, "invalid_request_error", "openai", "stop",
                                                               "unsupported_parameter")
    assert e.message == "Unsupported parameter: 'stop' is not supported with this model."


def test_parse_openai_envelope_inside_a_logged_string_and_an_openrouter_wrapper():
    text = "Error code: 400 - " + json.dumps(openai_body("Web search options not supported with this model.",
                                                          "web_search_options"))
    e = parse_error_body({"raw": text}, None)
    assert (e.status, e.envelope, e.param) == (400, "openai", "web_search_options")
    wrapped = {"error": {"message": "Provider returned error", "code": 400, "metadata": {
        "raw": json.dumps(openai_body("Web search options not supported with this model.", "web_search_options")),
        "provider_name": "Azure"}}}
    e = parse_error_body(wrapped, None)
    assert (e.status, e.envelope, e.param, e.message) == (400, "openrouter", "web_search_options",
                                                          "Web search options not supported with this model.")


def test_parse_anthropic_envelope_is_not_taken_for_openai():
    e = parse_error_body({"type": "error", "error": {"type": "invalid_request_error", "message": "x: y"}}, 400)
    assert (e.envelope, e.param, e.code) == ("anthropic", None, None)


# -- classify ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("status,body,expected", [
    (400, openai_body("Missing required parameter: 'messages[1].content[0].type'.", "messages[1].content[0].type",
                      "missing_required_parameter"), "structural"),
    (404, openai_body("The model `gpt-4o-mni` does not exist or you do not have access to it.", None,
                      "model_not_found"), "structural"),
    (429, openai_body("You exceeded your current quota, please check your plan and billing details.", None,
                      "insufficient_quota", "insufficient_quota"), "client"),
    (401, openai_body("Incorrect API key provided: sk-proj-abc.", None, "invalid_api_key"), "client"),
    (None, openai_body("Incorrect API key provided: sk-proj-abc.", None, "invalid_api_key"), "client"),
    (429, openai_body("Rate limit reached for gpt-4.1 in organization org-x on requests per min (RPM): Limit 500, "
                      "Used 500, Requested 1.", None, "rate_limit_exceeded", "requests"), "transient"),
    (429, openai_body("Request too large for gpt-4.1 in organization org-x on tokens per min (TPM): Limit 30000, "
                      "Requested 45000. The input or output tokens must be reduced in order to run successfully.",
                      None, "rate_limit_exceeded", "tokens"), "structural"),
    (None, openai_body("The server had an error while processing your request. Sorry about that!", None, None,
                       "server_error"), "transient"),
    (500, openai_body("The server had an error while processing your request.", None, None, "server_error"),
     "transient"),
])
def test_classify_openai_envelopes(status, body, expected):
    e = parse_error_body(body, status)
    assert classify(e.status, e.type, e.message, e.code) is ErrorClass(expected)


# -- param → path ----------------------------------------------------------------------------------------

CHAT_REQ = {"model": "gpt-4.1", "stop": ["x"], "messages": [
    {"role": "system", "content": "s"}, {"role": "user", "content": [{"text": "hi"}, {"type": "text", "text": "x"}]}]}


@pytest.mark.parametrize("param,expected", [
    ("messages[1].content[0].type", ("messages", 1, "content", 0)),    # cut back to what exists
    ("messages.[1].content.[1].type", ("messages", 1, "content", 1, "type")),   # Azure's spelling
    ("'messages.[0].content'", ("messages", 0, "content")),
    ("stop", ("stop",)),
    ("nonexistent", None),
])
def test_openai_param_maps_to_a_request_path(param, expected):
    assert openai_path(param, "", CHAT_REQ) == expected


def test_openai_path_without_a_request_and_from_the_text():
    assert openai_path("messages[1].content[0].type", "", None) == ("messages", 1, "content", 0, "type")
    assert openai_path(None, "Invalid file data: 'messages[1].content[0].file.file_data'. Expected", None) == (
        "messages", 1, "content", 0, "file", "file_data")


# -- every text of issue 15 §4 maps to its rule ------------------------------------------------------------

OPENAI_TEXTS = [
    ("Invalid value: 'input_text'. Supported values are: 'text', 'image_url', 'input_audio', 'refusal', 'audio', and "
     "'file'.", "messages[0].content[0].type", "Q007"),
    ("Invalid value: 'image'. Supported values are: 'text' and 'image_url'.", "messages[0].content[1].type", "Q007"),
    ("Missing required parameter: 'messages[1].content[0].type'.", "messages[1].content[0].type", "Q008"),
    ("Missing required parameter: 'messages[3].tool_call_id'.", "messages[3].tool_call_id", "Q002"),
    ("Invalid content type. image_url is only supported by certain models.", "messages.[1].content.[1].type", "Q009"),
    ("Unsupported value: 'messages[0].role' does not support 'system' with this model.", "messages[0].role", "Q010"),
    ("Unsupported value: 'messages[0].role' does not support 'developer' with this model.", "messages[0].role", "Q010"),
    ("Unsupported parameter: 'stop' is not supported with this model.", "stop", "Q011"),
    ("Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
     "max_tokens", "Q011"),
    ("Unsupported value: 'temperature' does not support 0.5 with this model. Only the default (1) value is supported.",
     "temperature", "Q011"),
    ("Unsupported parameter: 'temperature' is not supported with this model.", "temperature", "Q011"),
    ("Web search options not supported with this model.", "web_search_options", "Q012"),
    ("Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 2.5 instead.", "temperature",
     "Q013"),
    ("Invalid 'temperature': decimal below minimum value. Expected a value >= 0, but got -2.5 instead.", "temperature",
     "Q013"),
    ("Item 'rs_0c3876fcd4da19ef00692a14046bc8819eba6941c05c5ab7e7' of type 'reasoning' was provided without its "
     "required following item.", "input", "Q014"),
    ("Invalid file data: 'messages[1].content[0].file.file_data'. Expected a base64-encoded data URL with an "
     "application/pdf MIME type (e.g. 'data:application/pdf;base64,SGVsbG8sIFdvcmxkIQ=='), but got an invalid "
     "base64-encoded value.", None, "Q015"),
    ("An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. "
     "The following tool_call_ids did not have response messages: call_B", "messages", "Q001"),
    ("Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
     "messages.[2].role", "Q002"),
    ("No tool output found for function call call_B.", "input", "Q003"),
    ("No tool call found for function call output with call_id call_gone.", "input", "Q004"),
    ("Invalid value: 'text'. Supported values are: 'input_text', 'input_image', 'input_audio', 'output_text', "
     "'refusal', 'input_file', 'computer_screenshot', 'summary_text', and 'encrypted_content'.",
     "input[0].content[0].type", None),
    ("This model's maximum context length is 128000 tokens. However, your messages resulted in 130012 tokens.",
     "messages", None),
]


@pytest.mark.parametrize("message,param,code", OPENAI_TEXTS, ids=[f"{c}-{i}" for i, (_, _, c) in enumerate(OPENAI_TEXTS)])
def test_explain_maps_every_openai_text_to_its_rule(message, param, code):
    assert explain(message, None, param).code == code


def test_explain_locates_openai_texts_in_the_request():
    resp = {"model": "gpt-5", "input": [{"role": "user", "content": "hi"},
                                        {"type": "reasoning", "id": "rs_1", "summary": []},
                                        {"type": "function_call", "call_id": "call_B", "name": "t", "arguments": "{}"}]}
    got = explain("Item 'rs_1' of type 'reasoning' was provided without its required following item.", resp, "input")
    assert (got.path, got.code) == (("input", 1), "Q014")
    assert explain("No tool output found for function call call_B.", resp, None).path == ("input", 2)
    got = explain("Missing required parameter: 'messages[1].content[0].type'.", CHAT_REQ, "messages[1].content[0].type")
    assert (got.path, got.code) == (("messages", 1, "content", 0), "Q008")


def test_explain_openai_404_names_the_closest_known_model():
    got = explain("The model `gpt-4o-mni` does not exist or you do not have access to it.", {"model": "gpt-4o-mni"})
    assert (got.path, got.code) == (("model",), None)
    assert got.note == "unknown model id 'gpt-4o-mni'; the closest known id is gpt-4o-mini"
    got = explain("The model `gpt-4.1` does not exist or you do not have access to it.", None)
    assert "known model id" in got.note and "unknown" not in got.note


# -- E001 / E003 on OpenAI exchanges -------------------------------------------------------------------------

def test_e001_on_an_openai_exchange_names_the_q_rule_and_reproduces_it():
    req = {"model": "gpt-5-mini", "stop": ["Observation:"], "messages": [{"role": "user", "content": "hi"}]}
    err = openai_body("Unsupported parameter: 'stop' is not supported with this model.", "stop", "unsupported_parameter")
    [f] = findings(req, "E001", dialect="openai-chat", error=err, status=400)
    assert f.related == (("stop",),)
    assert "400 invalid_request_error unsupported_parameter, param stop" in f.message
    assert "rule Q011 (parameter-unsupported-by-model) explains it at stop; this check reports it too" in f.message


def test_e001_openai_missing_type_points_at_the_part():
    req = {"model": "gpt-4.1", "messages": [{"role": "system", "content": "s"}, {"role": "user", "content": [{"x": 1}]}]}
    err = openai_body("Missing required parameter: 'messages[1].content[0].type'.", "messages[1].content[0].type",
                      "missing_required_parameter")
    [f] = findings(req, "E001", dialect="openai-chat", error=err, status=400)
    assert f.related == (("messages", 1, "content", 0),) and "rule Q008" in f.message and "reports it too" in f.message


def test_e003_openai_quota_429_is_a_client_error_not_a_retry():
    req = {"model": "gpt-4.1", "messages": [{"role": "user", "content": "hi"}]}
    err = openai_body("You exceeded your current quota, please check your plan and billing details.", None,
                      "insufficient_quota", "insufficient_quota")
    fs = [f.code for f in findings(req, dialect="openai-chat", error=err, status=429) if f.code.startswith("E")]
    assert fs == ["E003"]


def test_e_rules_near_miss_openai_success_has_no_e_finding():
    req = {"model": "gpt-4.1", "messages": [{"role": "user", "content": "hi"}]}
    resp = {"id": "chatcmpl-1", "object": "chat.completion", "choices": [
        {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "hello"}}]}
    assert not [f for f in findings(req, dialect="openai-chat", response=resp, status=200) if f.code.startswith("E")]


def test_recorded_openai_400s_sample_each_names_a_rule_that_reproduces_it():
    from pathlib import Path

    from tui.core.check import check_exchange
    from tui.core.formats import load_all

    sample = Path(__file__).resolve().parents[1] / "sample_payloads" / "broken" / "openai-recorded-400s.jsonl"
    _, exchanges, issues = load_all(sample)
    assert not issues and len(exchanges) == 6
    for ex in exchanges:
        [e001] = [f for f in check_exchange(ex) if f.code == "E001"]
        assert "explains it" in e001.message and "this check reports it too" in e001.message, e001.message
