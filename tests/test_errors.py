"""tui.core.errors: every envelope parses, every class is right, every API text maps to its rule."""

from __future__ import annotations

import json

import pytest

from tui.core.errors import (
    ApiError, ErrorClass, advice, classify, explain_message, parse_error_body,
)

ORDER01 = ("messages.243: `tool_use` ids were found without `tool_result` blocks immediately after: "
           "bash-uOQIdN0O. Each `tool_use` block must have a corresponding `tool_result` block in the "
           "next message.")


def anthropic_body(etype: str, message: str, request_id: str | None = "req_011CX") -> dict:
    body = {"type": "error", "error": {"type": etype, "message": message}}
    if request_id:
        body["request_id"] = request_id
    return body


# -- parse_error_body: one test per envelope ---------------------------------------------

def test_parse_anthropic_envelope_with_request_id_first_and_details():
    body = {"request_id": "req_011CaB", "type": "error",
            "error": {"type": "authentication_error", "message": "OAuth authentication is currently not supported.",
                      "details": {"error_visibility": "user_facing"}}}
    e = parse_error_body(body, 401)
    assert (e.status, e.type, e.request_id, e.envelope) == (401, "authentication_error", "req_011CaB", "anthropic")
    assert e.message == "OAuth authentication is currently not supported."
    assert e.raw is body


def test_parse_anthropic_envelope_without_request_id_keeps_status_none():
    e = parse_error_body({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}, None)
    assert (e.status, e.type, e.message, e.request_id) == (None, "overloaded_error", "Overloaded", None)


def test_parse_cloudflare_413():
    e = parse_error_body({"error": {"type": "request_too_large", "message": "Request exceeds the maximum size"}}, 413)
    assert (e.status, e.type, e.message, e.request_id, e.envelope) == (
        413, "request_too_large", "Request exceeds the maximum size", None, "cloudflare")


def test_parse_vertex_unwraps_the_inner_json_string():
    inner = json.dumps({"type": "error", "error": {"type": "invalid_request_error", "message": ORDER01},
                        "request_id": "req_vrtx_011CX8LKNqFusFUVvygN5vEH"})
    e = parse_error_body({"error": {"code": 400, "message": inner, "status": "INVALID_ARGUMENT"}}, None)
    assert e.status == 400  # from error.code when the log has no status
    assert (e.type, e.message, e.request_id, e.envelope) == (
        "invalid_request_error", ORDER01, "req_vrtx_011CX8LKNqFusFUVvygN5vEH", "vertex")


def test_parse_vertex_list_body():
    inner = json.dumps(anthropic_body("overloaded_error", "Overloaded"))
    e = parse_error_body([{"error": {"code": 529, "message": inner, "status": "UNAVAILABLE"}}], None)
    assert (e.status, e.type, e.message) == (529, "overloaded_error", "Overloaded")


def test_parse_openrouter_metadata_raw():
    raw = json.dumps(anthropic_body("invalid_request_error", "messages.3.content.1: `tool_use` ids must be unique",
                                    "req_011CYuuV"))
    body = {"error": {"message": "Provider returned error", "code": 400,
                      "metadata": {"raw": raw, "provider_name": "Anthropic", "is_byok": False}},
            "user_id": "user_2tQ8"}
    e = parse_error_body(body, None)
    assert (e.status, e.type, e.request_id, e.envelope) == (400, "invalid_request_error", "req_011CYuuV", "openrouter")
    assert e.message == "messages.3.content.1: `tool_use` ids must be unique"


def test_parse_openrouter_plain_text_raw():
    body = {"error": {"message": "Provider returned error", "code": 429,
                      "metadata": {"raw": "claude-sonnet-4.5 is temporarily rate-limited upstream"}}}
    e = parse_error_body(body, None)
    assert (e.status, e.message) == (429, "claude-sonnet-4.5 is temporarily rate-limited upstream")


def test_parse_bedrock_validation_exception_string():
    e = parse_error_body("ValidationException: The model returned the following errors: "
                         "messages: text content blocks must be non-empty", 400)
    assert (e.status, e.type, e.message, e.envelope) == (
        400, "invalid_request_error", "messages: text content blocks must be non-empty", "bedrock")


def test_parse_boto3_client_error_text():
    e = parse_error_body("An error occurred (ThrottlingException) when calling the InvokeModel operation "
                         "(reached max retries: 4): Too many requests, please wait before trying again.", None)
    assert (e.status, e.type, e.envelope) == (429, "rate_limit_error", "bedrock")
    assert e.message == "Too many requests, please wait before trying again."


def test_parse_claude_code_api_error_line_takes_status_from_prefix():
    text = 'API Error: 400 ' + json.dumps(anthropic_body("invalid_request_error", ORDER01, None))
    e = parse_error_body(text, None)
    assert (e.status, e.type, e.message) == (400, "invalid_request_error", ORDER01)


def test_parse_batch_errored_result():
    body = {"custom_id": "b", "type": "errored",
            "error": {"type": "error", "error": {"type": "invalid_request_error", "message": "x: y"}}}
    e = parse_error_body(body, None)
    assert (e.type, e.message, e.envelope) == ("invalid_request_error", "x: y", "batch")


def test_parse_loader_raw_wrapper_and_html_page():
    e = parse_error_body({"raw": "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"}, None)
    assert (e.status, e.message, e.envelope) == (502, "502 Bad Gateway", "html")


def test_parse_plain_text_keeps_logged_status():
    e = parse_error_body("upstream connect error or disconnect/reset before headers", 503)
    assert (e.status, e.type, e.envelope) == (503, None, "text")


def test_parse_empty_body_with_error_status_is_still_an_error():
    e = parse_error_body("", 500)
    assert (e.status, e.message) == (500, "")


@pytest.mark.parametrize("body,status", [
    (None, None), ("", None), ({}, None), ({"type": "message", "content": []}, 200), (42, None),
])
def test_parse_non_errors_give_none(body, status):
    assert parse_error_body(body, status) is None


def test_parse_hostile_nesting_does_not_recurse_forever():
    body: dict = {"error": {"type": "error", "error": None}}
    cur = body
    for _ in range(50):
        cur["error"]["error"] = {"type": "error", "error": {}}
        cur = cur["error"]
    assert parse_error_body(body, 400) is not None  # the status still makes it an error


# -- classify ------------------------------------------------------------------------------

@pytest.mark.parametrize("status,etype,message,expected", [
    (429, "rate_limit_error", "This request would exceed your account's rate limit.", "transient"),
    (529, "overloaded_error", "Overloaded", "transient"),
    (500, "api_error", "", "transient"),
    (502, None, "502 Bad Gateway", "transient"),
    (503, None, "", "transient"),
    (504, "timeout_error", "", "transient"),
    (408, None, "", "transient"),
    (409, None, "", "transient"),
    (200, "overloaded_error", "Overloaded", "transient"),  # SSE error event after a 200
    (400, "invalid_request_error", ORDER01, "structural"),
    (404, "not_found_error", "model: claude-sonnet-4-20250514", "structural"),
    (413, "request_too_large", "Request exceeds the maximum size", "structural"),
    (413, "invalid_request_error", "Request size exceeds model context window", "structural"),
    (422, None, "", "structural"),
    (401, "authentication_error", "invalid x-api-key", "client"),
    (403, "permission_error", "", "client"),
    (402, "billing_error", "", "client"),
    (400, "invalid_request_error", "Your credit balance is too low to access the Anthropic API. "
                                   "Please go to Plans & Billing to upgrade or purchase credits.", "client"),
    (None, None, "messages: text content blocks must be non-empty", "structural"),
    (None, None, "Connection reset by peer", "transient"),
])
def test_classify_table(status, etype, message, expected):
    assert classify(status, etype, message) is ErrorClass(expected)


def test_advice_says_what_to_do_and_never_quotes_the_key():
    key_echo = ApiError(401, "authentication_error", "Incorrect API key provided: sk-ant-api03-abcdefghijklmnop",
                        None, None)
    text = advice(ErrorClass.CLIENT, key_echo)
    assert "key" in text and "sk-ant" not in text
    assert "retry" in advice(ErrorClass.TRANSIENT, ApiError(529, "overloaded_error", "Overloaded", None, None))
    assert "streaming" in advice(ErrorClass.TRANSIENT, ApiError(504, "timeout_error", "", None, None))
    structural = advice(ErrorClass.STRUCTURAL, ApiError(400, "invalid_request_error", ORDER01, None, None))
    assert "unchanged" in structural and "P001" in structural
    assert "model id" in advice(ErrorClass.STRUCTURAL, ApiError(404, "not_found_error", "model: sonnet4", None, None))
    assert "credit" in advice(ErrorClass.CLIENT, ApiError(400, "invalid_request_error",
                                                          "Your credit balance is too low", None, None))


# -- explain_message: every API text of API_RULES.md maps to its rule ----------------------

API_TEXTS = [
    ("ORDER-01", ORDER01, "P001"),
    ("ORDER-01", "messages.224: Did not find 1 `tool_result` block(s) at the beginning of this message. Messages "
                 "following `tool_use` blocks must begin with a matching number of `tool_result` blocks.", "P001"),
    ("ORDER-02", "messages.12.content.0: unexpected `tool_use_id` found in `tool_result` blocks: "
                 "toolu_01JLpBvrkaJHBDU3z3cWqtyv. Each `tool_result` block must have a corresponding `tool_use` "
                 "block in the previous message.", "P002"),
    ("ORDER-05", "messages.3.content.1: `tool_use` ids must be unique", "P005"),
    ("ORDER-06", "messages.1: `tool_result` blocks can only be in `user` messages", "P006"),
    ("ORDER-06", "`tool_use` blocks can only be in `assistant` messages", "P006"),
    ("ORDER-07", "messages.1.content.1.tool_use.id: String should match pattern '^[a-zA-Z0-9_-]+$'", "P007"),
    ("ORDER-08", "messages.3.content.1.tool_use.input: Input should be a valid dictionary", "P008"),
    ("ORDER-09", "messages.65.content.1.tool_use.text: Extra inputs are not permitted", "B007"),
    ("ORDER-09", "messages.1.content.1.tool_use.index: Extra inputs are not permitted", "B007"),
    ("ROLE-03", 'messages: Unexpected role "system". The Messages API accepts a top-level `system` parameter, '
                'not "system" as an input message role.', "R003"),
    ("ROLE-03", "role 'system' is not supported on this model", "R003"),
    ("ROLE-04", "messages.2.role: Input should be 'user' or 'assistant'", "R004"),
    ("ROLE-05", "This model does not support assistant message prefill. The conversation must end with a user "
                "message.", "R005"),
    ("CONTENT-01", "messages.0: all messages must have non-empty content except for the optional final assistant "
                   "message", "C001"),
    ("CONTENT-02", "messages: text content blocks must be non-empty", "C002"),
    ("CONTENT-03", "messages: text content blocks must contain non-whitespace text", "C003"),
    ("CONTENT-04", "messages: final assistant content cannot end with trailing whitespace", "C004"),
    ("CONTENT-05", "messages: at least one message is required", "C005"),
    ("OAI-01", "messages.0.tool_calls: Extra inputs are not permitted", "O001"),
    ("OAI-02", "messages.0.content.2: Input tag 'image_url' found using 'type' does not match any of the expected "
               "tags: 'document', 'image', 'redacted_thinking', 'search_result', 'server_tool_use', 'text', "
               "'thinking', 'tool_result', 'tool_use', 'web_search_tool_result'", "O003"),
    ("OAI-03", "messages.0.name: Extra inputs are not permitted", "O004"),
    ("OAI-04", "extra_body: Extra inputs are not permitted", "O005"),
    ("OAI-04", "response_format: Extra inputs are not permitted", "O005"),
    ("OAI-04", "context_management: Extra inputs are not permitted", "B009"),  # a beta key, no header
    ("THINK-01", "messages.47.content.0.type: Expected `thinking` or `redacted_thinking`, but found `text`. When "
                 "`thinking` is enabled, a final `assistant` message must start with a thinking block (preceeding "
                 "the lastmost set of `tool_use` and `tool_result` blocks). We recommend you include thinking "
                 "blocks from previous turns. To avoid this requirement, disable `thinking`. Please consult our "
                 "documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking", "T001"),
    ("THINK-02", "messages.51.content.0: If an assistant message contains any thinking blocks, the first block "
                 "must be thinking or redacted_thinking. Found text.", "T002"),
    ("THINK-03", "messages.1.content.0.thinking.signature: Field required", "T003"),
    ("THINK-04", "messages.1.content.0: Invalid `signature` in `thinking` block", None),
    ("THINK-04", "messages.1.content.0: Invalid `signature` in `thinking` block. The block is bound to a different "
                 "conversation. Remove the block, or set `thinking.block_binding.prefix_mismatch_behavior` to "
                 "\"drop_block\".", None),
    ("THINK-05", "messages.5.content.1: `thinking` or `redacted_thinking` blocks in the latest assistant message "
                 "cannot be modified. These blocks must remain as they were in the original response.", None),
    ("THINK-06", "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024", "T004"),
    ("THINK-07", "`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at "
                 "https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size",
     "T005"),
    ("THINK-08", "`temperature` may only be set to 1 when thinking is enabled. Please consult our documentation at "
                 "https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking", "T006"),
    ("THINK-08", "temperature may only be set to 1 when thinking is enabled or in adaptive mode", "T006"),
    ("THINK-09", "Thinking may not be enabled when tool_choice forces tool use.", "T007"),
    ("THINK-10", '"thinking.type.enabled" is not supported for this model. Use "thinking.type.adaptive" and '
                 '"output_config.effort" to control thinking behavior.', "T008"),
    ("THINK-10", "adaptive thinking is not supported on this model", "T008"),
    ("THINK-11", "messages.3.content.0.thinking.thinking: Field required", "T009"),
    ("TOOL-01", "tools.7.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'", "D001"),
    ("TOOL-01", "tools.73.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'", "D001"),
    ("TOOL-02", "tools: Tool names must be unique.", "D002"),
    ("TOOL-03", "tools.118.custom.input_schema: JSON schema is invalid. It must match JSON Schema draft 2020-12 "
                "(https://json-schema.org/draft/2020-12). Learn more about tool use at "
                "https://docs.anthropic.com/en/docs/tool-use.", "D003"),
    ("TOOL-03", "tools.0.custom.input_schema: Extra inputs are not permitted", "D003"),
    ("TOOL-04", "tool_choice.tool.name: Field required", "D004"),
    ("PARAM-01", "max_tokens: 128001 > 64000, which is the maximum allowed number of output tokens for "
                 "claude-opus-4-5-20251101", "A001"),
    ("PARAM-02", "temperature: Input should be less than or equal to 1", "A002"),
    ("PARAM-03", "`temperature` and `top_p` cannot both be specified for this model. Please use only one.", "A003"),
    ("PARAM-04", "temperature is deprecated for this model.", "A004"),
    ("PARAM-04", "top_p is deprecated for this model", "A004"),
    ("PARAM-05", "stop_sequences: each stop sequence must contain non-whitespace", "A005"),
    ("PARAM-06", "metadata.user_id: user_id appears to contain an email address. Please send a uuid or hash value "
                 "in...", "A006"),
    ("PARAM-07", "model: claude-sonnet-4-20250514", "A007"),
    ("CACHE-01", "A maximum of 4 blocks with cache_control may be provided. Found 5.", "K001"),
    ("CACHE-02", "messages.0.content.4.cache_control.ttl: a ttl='1h' cache_control block must not come after a "
                 "ttl='5m' cache_control block. Note that blocks are processed in the following order: `tools`, "
                 "`system`, `messages`.", "K002"),
    ("CACHE-03", "system.1.cache_control.ephemeral.scope: Extra inputs are not permitted", None),
    ("CACHE-03", "tools.3.cache_control: Extra inputs are not permitted", None),
    ("MEDIA-01", "messages.208.content.0.tool_result.content.0.image.source.base64.media_type: Input should be "
                 "'image/jpeg', 'image/png', 'image/gif' or 'image/webp'", "M001"),
    ("MEDIA-02", "messages.2.content.0.image.source.base64.data: Image does not match the provided media type "
                 "image/jpeg", "M002"),
    ("MEDIA-02", "messages.83.content.0.tool_result.content.1.image.source.base64: The image was specified using "
                 "the image/jpeg media type, but the image appears to be a image/png image", "M002"),
    ("MEDIA-03", "messages.8.content.0.tool_result.content.0.image.source.base64: image exceeds 5 MB maximum: "
                 "17699328 bytes > 5242880 bytes", "M003"),
    ("MEDIA-04", "messages.7.content.2.image.source.base64.data: At least one of the image dimensions exceed max "
                 "allowed size: 8000 pixels", "M004"),
    ("MEDIA-04", "messages.3.content.318.image.source.base64.data: At least one of the image dimensions exceed max "
                 "allowed size for many-image requests: 2000 pixels", "M004"),
    ("MEDIA-05", "A maximum of 100 PDF pages may be provided.", "M005"),
    ("SIZE-01", "Request exceeds the maximum size", "S001"),
    ("SIZE-02", "prompt is too long: 219898 tokens > 200000 maximum", "S002"),
    ("SIZE-03", "input length and `max_tokens` exceed context limit: 199759 + 8192 > 200000, decrease input length "
                "or `max_tokens` and try again", "S003"),
    ("SIZE-04", "Request size exceeds model context window", "S002"),
    ("SRV-01", "messages.1.content.2.server_tool_use.id: String should match pattern '^srvtoolu_[a-zA-Z0-9_]+$'",
     "V001"),
    ("SRV-02", "messages.7.content.0: unexpected `tool_use_id` found in `advisor_tool_result` blocks: "
               "srvtoolu_01JjfQsdhSJkT7qLCL7Pj9jc. Each `advisor_tool_result` block must have a corresponding "
               "`server_tool_use` block before it.", "V002"),
    # issue 15 §3: texts recordings show (a beta header missing, the effort levels, a server call, a 404 id)
    ("", "messages.0.content.1.document.source: Input tag 'file' found using 'type' does not match any of the "
         "expected tags: 'base64', 'content', 'text', 'url'", "B009"),
    ("", "container: Input should be a valid string", "B009"),
    ("", "This model does not support effort level 'xhigh'. Supported levels: high, low, max, medium", "A008"),
    ("ORDER-01", "messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: "
                 "srvtoolu_01WzkM3GQgD7r6eR2xV9. Each `tool_use` block must have a corresponding `tool_result` "
                 "block in the next message.", None),
    ("PARAM-07", "model: claude-sonet-4-5", None),
]


@pytest.mark.parametrize("ref,message,code", API_TEXTS, ids=[f"{r}-{i}" for i, (r, _, _) in enumerate(API_TEXTS)])
def test_explain_maps_every_api_text_to_its_rule(ref, message, code):
    assert explain_message(message, None)[1] == code


def test_explain_404_notes_unknown_and_known_ids():
    from tui.core.errors import explain

    assert explain("model: claude-sonet-4-5", None).note == (
        "unknown model id 'claude-sonet-4-5'; the closest known id is claude-sonnet-4-5")
    assert explain("model: claude-3-5-sonnet-20241022", None).code == "A007"   # known and retired
    assert "known model id" in explain("model: claude-sonnet-4-6", None).note  # known, not retired: no rule


def test_explain_through_a_bedrock_prefix():
    msg = "ValidationException: The model returned the following errors: messages.3.content.1: `tool_use` ids must be unique"
    assert explain_message(msg, None) == (("messages", 3, "content", 1), "P005")


def test_explain_unknown_text_gives_no_code():
    assert explain_message("Overloaded", None) == (None, None)
    assert explain_message("", None) == (None, None)
    assert explain_message("messages.2.content.0: Invalid `encrypted_content` in `search_result` block",
                           None) == (("messages", 2, "content", 0), None)


# -- explain_message: paths ----------------------------------------------------------------

REQUEST = {
    "model": "claude-sonnet-4-5", "max_tokens": 1024, "temperature": 0.2,
    "messages": [
        {"role": "user", "content": "List the repo"},
        {"role": "assistant", "content": [{"type": "text", "text": "Sure"},
                                          {"type": "tool_use", "id": "functions.ls:0", "name": "ls", "input": {}}]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "functions.ls:0", "content": "a.py"},
                                     {"type": "text", "text": "  "}]},
        {"role": "system", "content": "Be brief."},
        {"role": "assistant", "content": [{"type": "text", "text": ""}]},
    ],
}


def test_explain_strips_discriminator_tags_to_a_real_path():
    path, code = explain_message("messages.1.content.1.tool_use.id: String should match pattern '^[a-zA-Z0-9_-]+$'",
                                 REQUEST)
    assert (path, code) == (("messages", 1, "content", 1, "id"), "P007")


def test_explain_cuts_the_path_back_to_what_exists():
    path, _ = explain_message("messages.1.content.1.tool_use.text: Extra inputs are not permitted", REQUEST)
    assert path == ("messages", 1, "content", 1)


def test_explain_locates_index_free_texts_in_the_request():
    assert explain_message("messages: text content blocks must be non-empty", REQUEST) == (
        ("messages", 4, "content", 0), "C002")
    assert explain_message("messages: text content blocks must contain non-whitespace text", REQUEST) == (
        ("messages", 2, "content", 1), "C003")
    assert explain_message('messages: Unexpected role "system". The Messages API accepts a top-level `system` '
                           'parameter, not "system" as an input message role.', REQUEST) == (
        ("messages", 3, "role"), "R003")
    assert explain_message("This model does not support assistant message prefill. The conversation must end "
                           "with a user message.", REQUEST) == (("messages", 4), "R005")
    assert explain_message("temperature may only be set to 1 when thinking is enabled or in adaptive mode",
                           REQUEST) == (("temperature",), "T006")


def test_explain_pydantic_role_error_on_a_system_message_is_r003():
    assert explain_message("messages.3.role: Input should be 'user' or 'assistant'", REQUEST) == (
        ("messages", 3, "role"), "R003")
    assert explain_message("messages.0.role: Input should be 'user' or 'assistant'", REQUEST)[1] == "R004"


def test_explain_order01_points_at_the_assistant_message():
    msg = ORDER01.replace("messages.243", "messages.1")
    assert explain_message(msg, REQUEST) == (("messages", 1), "P001")


def test_explain_survives_hostile_requests():
    for bad in ({"messages": "nope"}, {"messages": [None, 3, {"content": 5}]}, {}):
        assert explain_message("messages: text content blocks must be non-empty", bad)[1] == "C002"
