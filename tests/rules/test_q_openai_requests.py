"""Q007–Q015: what OpenAI's request validation rejects, each with OpenAI's own text (a failing
sample, a near miss and the fix per rule)."""

from __future__ import annotations

from typing import Any

from tests.rules.test_openai_payloads import CHAT, RESPONSES, codes, findings, fix_all
from tui.core.errors import explain_message
from tui.core.findings import Applicability

PDF_B64 = "JVBERi0xLjcKJcfsj6IKMSAwIG9iago8PD4+CmVuZG9iagp0cmFpbGVyCjw8Pj4KJSVFT0YK"


def chat(*messages: dict[str, Any], model: str = "gpt-4.1", **top: Any) -> dict[str, Any]:
    return {"model": model, "messages": list(messages) or [{"role": "user", "content": "hi"}], **top}


def user(*parts: Any) -> dict[str, Any]:
    return {"role": "user", "content": list(parts)}


def text(t: str = "Summarise the attached report") -> dict[str, Any]:
    return {"type": "text", "text": t}


def only(payload: dict[str, Any], code: str, dialect: str = CHAT, **kw: Any):
    fs = findings(payload, code, dialect, **kw)
    assert fs, f"{code} did not fire"
    for f in fs:  # every text a rule quotes maps back to that rule (what E001 relies on)
        if f.api_error:
            assert explain_message(f.api_error, payload)[1] == code, f.api_error
    return fs


# -- Q007 chat-content-part-type-invalid -----------------------------------------------------------

def test_q007_responses_part_in_chat_with_openai_text_and_safe_fix():
    p = chat(user({"type": "input_text", "text": "Summarise this"}))
    [f] = only(p, "Q007")
    assert f.dotted == "messages.0.content.0.type"
    assert f.api_error == ("Invalid value: 'input_text'. Supported values are: 'text', 'image_url', "
                           "'input_audio', 'refusal', 'audio', and 'file'.")
    assert f.fix.applicability is Applicability.SAFE
    fixed = fix_all(p, "Q007", unsafe=False)
    assert fixed["messages"][0]["content"] == [{"type": "text", "text": "Summarise this"}]


def test_q007_anthropic_thinking_and_image_blocks_replayed_into_chat():
    p = chat(user(text(), {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0K"}}),
             {"role": "assistant", "content": [{"type": "thinking", "thinking": "hmm", "signature": "s"}, text("Done")]})
    fs = only(p, "Q007")
    assert [f.dotted for f in fs] == ["messages.0.content.1.type", "messages.1.content.0.type"]
    assert fs[1].api_error.startswith("Invalid value: 'thinking'.")
    fixed = fix_all(p, "Q007")
    assert fixed["messages"][0]["content"][1] == {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0K"}}
    assert fixed["messages"][1]["content"] == [text("Done")]


def test_q007_known_type_in_the_wrong_role_carries_no_invented_text():
    p = chat({"role": "system", "content": [{"type": "image_url", "image_url": {"url": "https://x/a.png"}}]},
             {"role": "user", "content": "hi"})
    [f] = only(p, "Q007")
    assert f.api_error is None and "system message" in f.message


def test_q007_near_miss_every_part_the_roles_take():
    p = chat({"role": "system", "content": [text("Be brief")]},
             user(text(), {"type": "image_url", "image_url": {"url": "https://x/a.png"}},
                  {"type": "input_audio", "input_audio": {"data": "UklG", "format": "wav"}}),
             {"role": "assistant", "content": [{"type": "refusal", "refusal": "no"}]}, model="gpt-4o-audio-preview")
    assert "Q007" not in codes(p)
    assert "Q007" not in codes(chat(user({"type": "input_text", "text": "x"})), dialect="anthropic")


# -- Q008 chat-content-part-missing-type -----------------------------------------------------------

def test_q008_part_without_type_with_the_exact_text():
    p = chat({"role": "user", "content": "run it"},
             {"role": "assistant", "content": None, "tool_calls": [{"id": "call_1", "type": "function",
                                                                     "function": {"name": "t", "arguments": "{}"}}]},
             {"role": "tool", "tool_call_id": "call_1", "content": [{"text": "3 passed"}]})
    [f] = only(p, "Q008")
    assert f.dotted == "messages.2.content.0"
    assert f.api_error == "Missing required parameter: 'messages[2].content[0].type'."
    fixed = fix_all(p, "Q008", unsafe=False)
    assert fixed["messages"][2]["content"] == [{"text": "3 passed", "type": "text"}]


def test_q008_an_arbitrary_object_gets_no_guessed_type():
    [f] = only(chat(user({"name": "report", "score": 3})), "Q008")
    assert f.fix is None


def test_q008_near_miss_typed_parts_and_string_content():
    assert "Q008" not in codes(chat(user(text()), {"role": "assistant", "content": "ok"}))


# -- Q009 content-part-unsupported-by-model --------------------------------------------------------

def test_q009_image_on_a_text_only_model_with_openai_text():
    p = chat(user(text(), {"type": "image_url", "image_url": {"url": "https://x/a.png"}}), model="gpt-3.5-turbo-0125")
    [f] = only(p, "Q009")
    assert (f.dotted, f.severity.value) == ("messages.0.content.1", "error")
    assert f.api_error == "Invalid content type. image_url is only supported by certain models."
    assert fix_all(p, "Q009")["messages"][0]["content"] == [text()]


def test_q009_assumed_refusal_is_a_warning_without_text():
    p = chat(user({"type": "input_audio", "input_audio": {"data": "UklG", "format": "wav"}}), model="gpt-4o")
    [f] = only(p, "Q009")
    assert f.severity.value == "warning" and f.api_error is None and "assumes" in f.message


def test_q009_near_miss_vision_model_and_unknown_model():
    img = user({"type": "image_url", "image_url": {"url": "https://x/a.png"}})
    assert "Q009" not in codes(chat(img, model="gpt-4.1"))
    assert "Q009" not in codes(chat(img, model="my-local-llama"))


# -- Q010 role-unsupported-by-model ----------------------------------------------------------------

def test_q010_system_message_on_o1_mini():
    p = chat({"role": "system", "content": "Be terse."}, {"role": "user", "content": "2+2?"}, model="o1-mini-2024-09-12")
    [f] = only(p, "Q010")
    assert (f.dotted, f.severity.value) == ("messages.0.role", "error")
    assert f.api_error == "Unsupported value: 'messages[0].role' does not support 'system' with this model."
    assert fix_all(p, "Q010")["messages"][0] == {"role": "user", "content": "Be terse."}


def test_q010_developer_message_on_o1_preview():
    p = chat({"role": "user", "content": "hi"}, {"role": "developer", "content": "rules"}, model="o1-preview")
    [f] = only(p, "Q010")
    assert f.api_error == "Unsupported value: 'messages[1].role' does not support 'developer' with this model."


def test_q010_near_miss_o1_and_o3_mini_take_system_messages():
    for model in ("o1", "o3-mini", "gpt-4o"):
        assert "Q010" not in codes(chat({"role": "system", "content": "s"}, {"role": "user", "content": "u"}, model=model))


# -- Q011 parameter-unsupported-by-model -----------------------------------------------------------

def test_q011_stop_on_gpt5_mini_with_openai_text():
    p = chat(model="gpt-5-mini", stop=["Observation:"])
    [f] = only(p, "Q011")
    assert (f.dotted, f.severity.value) == ("stop", "error")
    assert f.api_error == "Unsupported parameter: 'stop' is not supported with this model."
    assert "stop" not in fix_all(p, "Q011")


def test_q011_max_tokens_and_temperature_on_o1_mini():
    p = chat(model="o1-mini", max_tokens=512, temperature=0.5)
    fs = only(p, "Q011")
    assert {f.dotted: f.api_error for f in fs} == {
        "max_tokens": "Unsupported parameter: 'max_tokens' is not supported with this model. Use "
                      "'max_completion_tokens' instead.",
        "temperature": "Unsupported value: 'temperature' does not support 0.5 with this model. Only the default (1) "
                       "value is supported."}
    fixed = fix_all(p, "Q011")
    assert fixed["max_completion_tokens"] == 512 and "max_tokens" not in fixed and "temperature" not in fixed


def test_q011_near_miss_default_temperature_older_models_and_unknown_facts():
    assert "Q011" not in codes(chat(model="o1-mini", temperature=1, max_completion_tokens=512))
    assert "Q011" not in codes(chat(model="gpt-4.1", stop=["\n\n"], temperature=0.2, max_tokens=100))
    assert "Q011" not in codes(chat(model="gpt-5.5", stop=["END"]))     # accepted from gpt-5.5 on
    assert "Q011" not in codes(chat(model="gpt-5.1", stop=["END"]))     # the table does not know: no finding


# -- Q012 web-search-options-unsupported -----------------------------------------------------------

def test_q012_web_search_options_on_an_ordinary_model():
    p = chat(model="gpt-4.1", web_search_options={"search_context_size": "low"})
    [f] = only(p, "Q012")
    assert (f.dotted, f.api_error) == ("web_search_options", "Web search options not supported with this model.")
    assert "web_search_options" not in fix_all(p, "Q012")


def test_q012_near_miss_search_models():
    for model in ("gpt-4o-search-preview", "gpt-4o-mini-search-preview-2025-03-11"):
        assert "Q012" not in codes(chat(model=model, web_search_options={}))


# -- Q013 openai-temperature-out-of-range ----------------------------------------------------------

def test_q013_above_two_in_chat_and_below_zero_in_responses():
    [f] = only(chat(temperature=2.5), "Q013")
    assert f.api_error == ("Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 2.5 "
                           "instead.")
    assert fix_all(chat(temperature=2.5), "Q013")["temperature"] == 2
    resp = {"model": "gpt-4.1", "input": "hi", "temperature": -2.5}
    [f] = only(resp, "Q013", RESPONSES)
    assert f.api_error == ("Invalid 'temperature': decimal below minimum value. Expected a value >= 0, but got -2.5 "
                           "instead.")


def test_q013_near_miss_bounds_and_anthropic_requests():
    assert "Q013" not in codes(chat(temperature=2)) | codes(chat(temperature=0))
    anthropic = {"model": "claude-haiku-4-5", "max_tokens": 10, "temperature": 2.5,
                 "messages": [{"role": "user", "content": "hi"}]}
    assert "Q013" not in codes(anthropic, dialect="anthropic")


# -- Q014 reasoning-item-without-following-item ----------------------------------------------------

def reasoning(rid: str = "rs_0c3876fcd4da19ef") -> dict[str, Any]:
    return {"type": "reasoning", "id": rid, "summary": []}


def resp_input(*items: dict[str, Any]) -> dict[str, Any]:
    return {"model": "gpt-5", "input": [{"role": "user", "content": "how many r's in strawberry"}, *items]}


def test_q014_reasoning_followed_by_a_user_message():
    p = resp_input(reasoning(), {"role": "user", "content": "thanks"})
    [f] = only(p, "Q014", RESPONSES)
    assert f.dotted == "input.1"
    assert f.api_error == ("Item 'rs_0c3876fcd4da19ef' of type 'reasoning' was provided without its required "
                           "following item.")
    assert [i.get("type") for i in fix_all(p, "Q014", RESPONSES)["input"]] == [None, None]


def test_q014_reasoning_at_the_end_and_before_a_tool_output():
    p = resp_input(reasoning("rs_a"), {"type": "function_call_output", "call_id": "call_1", "output": "3"}, reasoning("rs_b"))
    assert [f.dotted for f in findings(p, "Q014", RESPONSES)] == ["input.1", "input.3"]


def test_q014_near_miss_followed_by_its_answer_or_call_and_no_id():
    p = resp_input(reasoning("rs_a"), {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "3"}]},
                   {"role": "user", "content": "and now?"}, reasoning("rs_b"),
                   {"type": "function_call", "call_id": "call_1", "name": "count", "arguments": "{}"},
                   {"type": "function_call_output", "call_id": "call_1", "output": "3"},
                   {"type": "reasoning", "summary": [], "encrypted_content": "gAAA"})
    assert "Q014" not in codes(p, RESPONSES)


# -- Q015 file-data-not-data-url -------------------------------------------------------------------

def pdf_part(data: str) -> dict[str, Any]:
    return {"type": "file", "file": {"filename": "spec.pdf", "file_data": data}}


def test_q015_bare_base64_with_openai_text_and_safe_fix():
    p = chat(user(text(), pdf_part(PDF_B64)))
    [f] = only(p, "Q015")
    assert f.dotted == "messages.0.content.1.file.file_data"
    assert f.api_error == ("Invalid file data: 'messages[0].content[1].file.file_data'. Expected a base64-encoded "
                           "data URL with an application/pdf MIME type (e.g. 'data:application/pdf;base64,"
                           "SGVsbG8sIFdvcmxkIQ=='), but got an invalid base64-encoded value.")
    fixed = fix_all(p, "Q015", unsafe=False)
    assert fixed["messages"][0]["content"][1]["file"]["file_data"] == "data:application/pdf;base64," + PDF_B64


def test_q015_url_and_other_mime_types_have_no_fix():
    fs = only(chat(user(pdf_part("https://example.com/spec.pdf"), pdf_part("data:text/plain;base64,aGk="))), "Q015")
    assert [f.fix for f in fs] == [None, None]
    assert fs[1].api_error.endswith("but got unsupported MIME type 'text/plain'.")


def test_q015_near_miss_pdf_data_url_and_file_id():
    p = chat(user(pdf_part("data:application/pdf;base64," + PDF_B64), {"type": "file", "file": {"file_id": "file-abc"}}))
    assert "Q015" not in codes(p)


# -- the OpenAI model table -----------------------------------------------------------------------

def test_openai_model_ids_normalise_to_table_keys():
    from tui.core.openai_models import closest_openai_model, lookup_openai_model

    for spelled, key in (("openai/gpt-4o-2024-08-06", "gpt-4o"), ("ft:gpt-4o-mini-2024-07-18:acme::x1", "gpt-4o-mini"),
                         ("O1-MINI-2024-09-12", "o1-mini"), ("gpt-4-0613", "gpt-4"), ("azure/gpt-5.2-2025-12-11", "gpt-5.2"),
                         ("gpt-4-turbo-preview", "gpt-4-turbo")):
        assert lookup_openai_model(spelled).key == key, spelled
    assert lookup_openai_model("claude-sonnet-4-5") is None and lookup_openai_model(None) is None
    assert closest_openai_model("gpt-4o-mni") == "gpt-4o-mini"


def test_openai_model_table_sources_every_field():
    import json
    from importlib import resources

    raw = json.loads(resources.files("tui.core").joinpath("data/openai_models.json").read_text("utf-8"))
    fields = set(raw["_comment"]["fields"]) - {"assumed"}
    for key, entry in raw["models"].items():
        sourced: set[str] = set()
        for src in entry["sources"]:
            names, _, where = src.partition(": ")
            sourced |= {n.strip() for n in names.split(",")}
            words = set(where.replace(",", " ").replace("(", " ").split())
            assert words & (set(raw["_sources"]) | {"unknown"}), (key, src)
        assert fields <= sourced, (key, fields - sourced)


def test_q012_assumed_for_a_model_the_docs_do_not_name_is_a_warning():
    [f] = findings(chat(model="gpt-6-sol", web_search_options={}), "Q012")
    assert f.severity.value == "warning" and "assumes" in f.message
