"""E family: one finding per logged error, classified, located in the request, never retried blindly.

E rules offer no fix (the explaining rule's finding carries it), so their "fix test" repairs the
request with the explaining rule and checks what E001 then says.
"""

from __future__ import annotations

import json

from tests.rulekit import WEATHER_TOOL, assistant, codes, findings, fix_all, req, text, tool_result, tool_use, user

ORDER01 = ("messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_01XyZ. "
           "Each `tool_use` block must have a corresponding `tool_result` block in the next message.")


def unanswered() -> dict:
    return req(user("Weather in Paris?"), assistant(text("Checking."), tool_use("toolu_01XyZ")),
               user("Also Lyon please"), tools=[WEATHER_TOOL])


def envelope(etype: str, message: str, request_id: str | None = "req_011CX8LKNq") -> dict:
    body: dict = {"type": "error", "error": {"type": etype, "message": message}}
    if request_id:
        body["request_id"] = request_id
    return body


def e_codes(payload: dict, **kw) -> list[str]:
    return [f.code for f in findings(payload, **kw) if f.code.startswith("E")]


# -- E001 logged-structural-error -----------------------------------------------------------

def test_e001_vertex_wrapped_order01_names_p001_and_the_message():
    vertex = {"error": {"code": 400, "status": "INVALID_ARGUMENT",
                        "message": json.dumps(envelope("invalid_request_error", ORDER01, "req_vrtx_011CX8"))}}
    fs = findings(unanswered(), "E001", error=vertex, status=400)
    assert len(fs) == 1
    f = fs[0]
    assert (f.dotted, f.scope, f.severity.value) == ("error", "error", "error")
    assert f.related == (("messages", 1),)
    assert f.api_error == ORDER01
    assert "rule P001 (tool-use-without-result) explains it at messages.1" in f.message
    assert "this check reports it too" in f.message
    assert "via Vertex" in f.message and "req_vrtx_011CX8" in f.message
    assert "Re-sending it unchanged will fail again" in f.message
    assert f.fix is None


def test_e001_logged_string_error_with_tag_stripped_path():
    p = req(user("List files"), assistant(tool_use("functions.ls:0", "ls", {})), user(tool_result("functions.ls:0")))
    raw = ("API Error: 400 " + json.dumps(envelope(
        "invalid_request_error", "messages.1.content.0.tool_use.id: String should match pattern '^[a-zA-Z0-9_-]+$'"
    )))
    fs = findings(p, "E001", error={"raw": raw})  # how the loader keeps a non-object error
    assert fs[0].related == (("messages", 1, "content", 0, "id"),)
    assert "rule P007" in fs[0].message


def test_e001_says_when_the_check_does_not_reproduce_it():
    fine = req(user("Weather in Paris?"), assistant(tool_use("toolu_01XyZ")), user(tool_result("toolu_01XyZ")),
               tools=[WEATHER_TOOL])
    fs = findings(fine, "E001", error=envelope("invalid_request_error", ORDER01), status=400)
    assert "does not reproduce it" in fs[0].message


def test_e001_unknown_text_and_404_model():
    fs = findings(unanswered(), "E001", error=envelope("invalid_request_error", "Something new went wrong"), status=400)
    assert "no rule matches this text" in fs[0].message and fs[0].related == ()
    fs = findings(unanswered(), "E001", error=envelope("not_found_error", "model: claude-sonnet-4-20250514"),
                  status=404)
    assert fs[0].related == (("model",),) and "rule A007" in fs[0].message


def test_e001_near_miss_transient_client_and_no_error():
    p = unanswered()
    assert "E001" not in codes(p, error=envelope("overloaded_error", "Overloaded"), status=529)
    assert "E001" not in codes(p, error=envelope("invalid_request_error",
                                                  "Your credit balance is too low to access the Anthropic API. "
                                                  "Please go to Plans & Billing to upgrade or purchase credits."),
                               status=400)
    assert e_codes(p) == []
    assert e_codes(p, response={"type": "message", "content": []}, status=200) == []


def test_e001_fix_of_the_explaining_rule_is_where_the_repair_lives():
    p = unanswered()
    err = envelope("invalid_request_error", ORDER01)
    assert findings(p, "E001", error=err, status=400)[0].fix is None
    repaired = fix_all(p, "P001")
    # The logged error still describes the old bytes, and E001 now says the check cannot see it.
    assert "does not reproduce it" in findings(repaired, "E001", error=err, status=400)[0].message


# -- E002 logged-transient-error ------------------------------------------------------------

def test_e002_overloaded_with_retry_after_header():
    fs = findings(unanswered(), "E002", error=envelope("overloaded_error", "Overloaded"), status=529,
                  headers={"Retry-After": "30", "x-should-retry": "true"})
    assert [(f.dotted, f.severity.value) for f in fs] == [("error", "warning")]
    assert "529 overloaded_error" in fs[0].message
    assert "retry-after: 30 s" in fs[0].message
    assert "exponential backoff" in fs[0].message
    assert fs[0].api_error == "Overloaded" and fs[0].fix is None


def test_e002_rate_limit_prefers_retry_after_ms_and_reports_should_retry_false():
    fs = findings(unanswered(), "E002", error=envelope("rate_limit_error", "This request would exceed your "
                                                       "account's rate limit. Please try again later."),
                  status=429, headers={"retry-after": "2", "retry-after-ms": "1500", "x-should-retry": "false"})
    assert "retry-after-ms: 1500" in fs[0].message and "retry-after: 2" not in fs[0].message
    assert "x-should-retry: false" in fs[0].message
    assert "rate limit" in fs[0].message


def test_e002_html_502_and_empty_500():
    assert e_codes(unanswered(), error={"raw": "<html><title>502 Bad Gateway</title></html>"}) == ["E002"]
    assert e_codes(unanswered(), error={}, status=500) == ["E002"]


def test_e002_near_miss_structural_and_client():
    assert "E002" not in codes(unanswered(), error=envelope("invalid_request_error", ORDER01), status=400)
    assert "E002" not in codes(unanswered(), error=envelope("permission_error", "nope"), status=403)


# -- E003 logged-client-error ---------------------------------------------------------------

def test_e003_credit_balance_400_is_a_client_error():
    fs = findings(unanswered(), "E003", error=envelope(
        "invalid_request_error", "Your credit balance is too low to access the Anthropic API. Please go to Plans & "
                                 "Billing to upgrade or purchase credits."), status=400)
    assert [(f.dotted, f.severity.value) for f in fs] == [("error", "warning")]
    assert "credit" in fs[0].message and "Neither a repair nor a retry helps" in fs[0].message
    assert fs[0].fix is None


def test_e003_masks_an_echoed_key():
    fs = findings(unanswered(), "E003",
                  error={"raw": "Incorrect API key provided: sk-ant-api03-Zx9QwErTy12345678"}, status=401)
    assert "Zx9QwErTy1234" not in fs[0].message + fs[0].api_error
    assert fs[0].api_error == "Incorrect API key provided: sk-ant-api03-…[REDACTED]…5678"


def test_e003_near_miss_transient_is_not_client():
    assert "E003" not in codes(unanswered(), error=envelope("api_error", "Internal server error"), status=500)


def test_e_rules_survive_hostile_error_bodies():
    for bad in ({"raw": None}, {"error": 5}, {"error": {"message": {"nested": True}}}, {"raw": "\x00\xff"},
                {"type": "error", "error": []}):
        for status in (None, 200, 400, "400"):
            assert len(e_codes(unanswered(), error=bad, status=status)) <= 1


# -- issue 15 §3: the texts real recordings show, each mapped to its node and rule -----------------

FILE_SOURCE = ("messages.0.content.1.document.source: Input tag 'file' found using 'type' does not match any of "
               "the expected tags: 'base64', 'content', 'text', 'url'")


def test_e001_file_source_text_names_b009_and_the_missing_files_beta_header():
    p = req(user(text("Summarise this"), {"type": "document", "source": {"type": "file", "file_id": "file_011CNha8"}}))
    [f] = findings(p, "E001", error=envelope("invalid_request_error", FILE_SOURCE), status=400)
    assert f.related == (("messages", 0, "content", 1, "source"),)
    assert "rule B009 (beta-shape-without-header) explains it at messages.0.content.1.source" in f.message
    assert "anthropic-beta: files-api-2025-04-14" in f.message


def test_e001_other_source_tags_are_b006_and_reproduced():
    p = req(user({"type": "document", "source": {"type": "pdf", "data": "JVBER"}}, text("Summarise")))
    api = ("messages.0.content.0.document.source: Input tag 'pdf' found using 'type' does not match any of the "
           "expected tags: 'base64', 'content', 'file', 'text', 'url'")
    [f] = findings(p, "E001", error=envelope("invalid_request_error", api), status=400)
    assert "rule B006" in f.message and "this check reports it too" in f.message


def test_e001_container_object_without_the_skills_beta():
    p = req(user("Make slides"), container={"skills": [{"type": "anthropic", "skill_id": "pptx", "version": "latest"}]})
    [f] = findings(p, "E001", error=envelope("invalid_request_error", "container: Input should be a valid string"),
                   status=400)
    assert f.related == (("container",),)
    assert "rule B009" in f.message and "skills-2025-10-02" in f.message


def test_e001_container_near_miss_a_number_is_b001():
    p = req(user("hi"), container=5)
    [f] = findings(p, "E001", error=envelope("invalid_request_error", "container: Input should be a valid string"),
                   status=400)
    assert "rule B001" in f.message and "this check reports it too" in f.message and "skills" not in f.message


EFFORT = "This model does not support effort level 'xhigh'. Supported levels: high, low, max, medium"


def test_e001_effort_level_text_is_a008_at_output_config_effort():
    p = req(user("Refactor this"), model="claude-opus-4-6", output_config={"effort": "xhigh"})
    [f] = findings(p, "E001", error=envelope("invalid_request_error", EFFORT), status=400)
    assert f.related == (("output_config", "effort"),)
    assert "rule A008 (effort-level-unsupported) explains it at output_config.effort; this check reports it too" \
        in f.message


SERVER_CALL = ("messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: "
               "srvtoolu_01WzkM3GQgD7r6eR2xV9. Each `tool_use` block must have a corresponding `tool_result` block "
               "in the next message.")


def test_e001_server_tool_call_without_its_result_points_at_the_call():
    p = req(user("Weather in Paris today?"),
            assistant(text("Searching."), {"type": "server_tool_use", "id": "srvtoolu_01WzkM3GQgD7r6eR2xV9",
                                           "name": "web_search", "input": {"query": "paris weather"}}),
            user("and tomorrow?"))
    [f] = findings(p, "E001", error=envelope("invalid_request_error", SERVER_CALL), status=400)
    assert f.related == (("messages", 1, "content", 1),)
    assert "server tool call" in f.message and "P001" not in f.message


def test_e001_server_tool_call_near_miss_client_tool_ids_stay_p001():
    [f] = findings(unanswered(), "E001", error=envelope("invalid_request_error", ORDER01), status=400)
    assert "rule P001" in f.message and "server tool call" not in f.message


def test_e001_prompt_too_long_and_413_context_window_are_s002_and_reproduced():
    p = req(user("x " * 400_000), model="claude-haiku-4-5")
    for status, api in ((400, "prompt is too long: 219898 tokens > 200000 maximum"),
                        (413, "Request size exceeds model context window")):
        [f] = findings(p, "E001", error=envelope("invalid_request_error", api), status=status)
        assert "rule S002 (prompt-too-long-estimate) explains it" in f.message and "reports it too" in f.message


def test_e001_input_plus_max_tokens_is_s003_and_reproduced():
    p = req(user("x " * 340_000), model="claude-opus-4-1", max_tokens=32000)
    api = ("input length and `max_tokens` exceed context limit: 199759 + 32000 > 200000, decrease input length or "
           "`max_tokens` and try again")
    [f] = findings(p, "E001", error=envelope("invalid_request_error", api), status=400)
    assert "rule S003 (input-plus-max-tokens) explains it at max_tokens" in f.message and "reports it too" in f.message


def test_e001_request_too_large_413_is_s001():
    cloudflare = {"error": {"type": "request_too_large", "message": "Request exceeds the maximum size"}}
    [f] = findings(unanswered(), "E001", error=cloudflare, status=413)
    assert "rule S001 (request-too-large) explains it" in f.message and "via Cloudflare" in f.message


def test_e001_max_tokens_over_cap_is_a001_and_reproduced():
    p = req(user("hi"), model="claude-haiku-4-5", max_tokens=128001)
    api = ("max_tokens: 128001 > 64000, which is the maximum allowed number of output tokens for "
           "claude-haiku-4-5-20251001")
    [f] = findings(p, "E001", error=envelope("invalid_request_error", api), status=400)
    assert f.related == (("max_tokens",),) and "rule A001" in f.message and "reports it too" in f.message


def test_e001_404_unknown_model_id_names_the_closest_known_id_not_retired():
    p = req(user("hi"), model="claude-sonet-4-5")
    [f] = findings(p, "E001", error=envelope("not_found_error", "model: claude-sonet-4-5"), status=404)
    assert f.related == (("model",),)
    assert "unknown model id 'claude-sonet-4-5'; the closest known id is claude-sonnet-4-5" in f.message
    assert "retired" not in f.message and "A007" not in f.message


def test_e001_404_near_miss_a_known_retired_id_stays_a007():
    p = req(user("hi"), model="claude-sonnet-4-20250514")
    [f] = findings(p, "E001", error=envelope("not_found_error", "model: claude-sonnet-4-20250514"), status=404)
    assert "rule A007 (retired-model)" in f.message and "this check reports it too" in f.message


def test_e001_anthropic_text_on_an_openai_request_names_the_openai_twin_rule():
    chat = {"model": "anthropic/claude-sonnet-4-5", "messages": [
        {"role": "user", "content": "ls"},
        {"role": "assistant", "content": None, "tool_calls": [{"id": "toolu_01XyZ", "type": "function",
                                                                "function": {"name": "ls", "arguments": "{}"}}]},
        {"role": "user", "content": "and now?"}]}
    [f] = findings(chat, "E001", dialect="openai-chat", error=envelope("invalid_request_error", ORDER01), status=400)
    assert "rule Q001 (tool-call-without-tool-message) explains it; this check reports it too" in f.message
    assert f.related == ()


def test_e001_near_miss_anthropic_request_keeps_p001_and_its_path():
    [f] = findings(unanswered(), "E001", error=envelope("invalid_request_error", ORDER01), status=400)
    assert "rule P001" in f.message and f.related == (("messages", 1),)
