"""Test cassettes and recorded HTTP (issue 15 §1, §2): vcrpy, Ruby/R VCR, go-vcr, httprr and the
SDK's HTTP snapshots are detected, unwrapped into exchanges, checked like native logs, and damaged
or hostile cassettes get one clear line."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from tui.cli.main import main
from tui.core.check import check_exchange
from tui.core.formats import LoadError, load_all

FORMATS = Path(__file__).resolve().parents[2] / "sample_payloads" / "formats"
KEY = "sk-ant-api03-" + "C" * 90 + "AA"

SAMPLES = {
    # file: (format id, [(status, {(code, path)…}) per exchange])
    "vcrpy_cassette.yaml": ("vcrpy-cassette", [(200, set()), (400, {("M001", "messages.2.content.2.source.media_type"),
                                                                     ("E001", "error")}), (200, set())]),
    "vcrpy_cassette_gzip.yaml.gz": ("vcrpy-cassette.gz", [(200, set()), (200, set())]),
    "ruby_vcr_cassette.yml": ("vcr-cassette", [(200, set()), (400, {("A001", "max_tokens"), ("E001", "error")}),
                                               (200, set())]),
    "r_vcr_cassette.yml": ("vcr-cassette", [(200, set()), (400, {("A002", "temperature"), ("E001", "error")}),
                                            (200, set())]),
    "go_vcr_cassette.yaml": ("go-vcr-cassette", [(200, set()), (400, {("P008", "messages.1.content.0.input"),
                                                                      ("E001", "error")}), (200, set()), (200, set())]),
    "httprr_trace.httprr": ("httprr", [(200, set()), (400, {("C002", "messages.0.content.1"), ("E001", "error")}),
                                       (200, set())]),
    "sdk_http_snapshot.json": ("sdk-http-snapshot", [(200, set()), (400, {("P001", "messages.1.content.0"),
                                                                          ("E001", "error")}), (200, set()), (200, set())]),
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_each_cassette_sample_is_detected_loaded_and_checked(name):
    fmt, expected = SAMPLES[name]
    log, exchanges, issues = load_all(FORMATS / name)
    assert log.format == fmt and issues == []
    got = [(ex.status, {(f.code, f.dotted) for f in check_exchange(ex)}) for ex in exchanges]
    assert got == expected
    for ex in exchanges:
        assert ex.started_at and ex.started_at.endswith("Z")  # the recorded time, from the cassette
        assert ex.request_id
        # Headers are redacted on load: what is left of a key is its prefix and its last four characters.
        assert not re.search(r"sk-ant-[A-Za-z0-9_-]{12}", repr(ex.headers) + repr(ex.extra))


def test_the_sdk_snapshot_envelope_is_unwrapped_never_checked_as_a_body():
    _, exchanges, _ = load_all(FORMATS / "sdk_http_snapshot.json")
    assert all("request" not in ex.request and "messages" in ex.request for ex in exchanges if ex.request)
    assert not [f for ex in exchanges for f in check_exchange(ex) if f.code == "B002"]


def test_go_vcr_chat_completions_call_is_an_openai_exchange():
    _, exchanges, _ = load_all(FORMATS / "go_vcr_cassette.yaml")
    assert [ex.dialect for ex in exchanges] == ["anthropic"] * 3 + ["openai-chat"]


# -- vcrpy bodies in every form recorders write ---------------------------------------------------

REQ = {"model": "claude-haiku-4-5", "max_tokens": 64, "messages": [{"role": "user", "content": "hi"}]}
MSG = {"id": "msg_01", "type": "message", "role": "assistant", "model": "claude-haiku-4-5",
       "content": [{"type": "text", "text": "hello"}], "stop_reason": "end_turn", "stop_sequence": None,
       "usage": {"input_tokens": 5, "output_tokens": 2}}


def _yaml_str(s: str) -> str:
    return json.dumps(s)  # a JSON string is a valid YAML double-quoted scalar


def cassette(tmp_path: Path, response_body: str, *, headers: str = "", method: str = "POST",
             uri: str = "https://api.anthropic.com/v1/messages", request_body: str | None = None) -> Path:
    req = request_body if request_body is not None else _yaml_str(json.dumps(REQ))
    text = f"""interactions:
- request:
    body: {req}
    headers:
      x-api-key:
      - {KEY}
    method: {method}
    uri: {uri}
  response:
    body:
      {response_body}
    headers:
      date:
      - Tue, 03 Jun 2025 14:02:11 GMT
{headers}    status:
      code: 200
      message: OK
version: 1
"""
    p = tmp_path / "cassettes" / "test_call.yaml"
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    return p


@pytest.mark.parametrize("body", [
    "string: " + _yaml_str(json.dumps(MSG)),
    "string: !!binary |\n        " + __import__("base64").b64encode(gzip.compress(json.dumps(MSG).encode())).decode(),
    "string: " + _yaml_str(__import__("base64").b64encode(gzip.compress(json.dumps(MSG).encode())).decode()),
])
def test_vcrpy_response_bodies_plain_gzip_bytes_and_base64_gzip(tmp_path, body):
    gz = "      content-encoding:\n      - gzip\n" if "string: \"" not in body or "{" not in body else ""
    _, [ex], issues = load_all(cassette(tmp_path, body, headers=gz))
    assert issues == []
    assert ex.status == 200 and ex.response["content"][0]["text"] == "hello"
    assert ex.started_at == "2025-06-03T14:02:11Z"
    assert KEY not in repr(ex.extra)


def test_a_recorded_event_stream_is_reassembled_and_a_cut_one_reported(tmp_path):
    events = [
        ("message_start", {"type": "message_start", "message": {**MSG, "content": [], "stop_reason": None}}),
        ("content_block_start", {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
        ("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "hel"}}),
    ]
    sse = "".join(f"event: {e}\ndata: {json.dumps(d)}\n\n" for e, d in events)
    _, [ex], _ = load_all(cassette(tmp_path, "string: " + _yaml_str(sse)))
    assert ex.response is not None and ex.response["content"][0]["text"] == "hel"
    assert "F001" in {f.code for f in check_exchange(ex)}


def test_a_cassette_of_other_calls_only_says_so_in_one_line(tmp_path):
    p = cassette(tmp_path, "string: '{}'", method="GET", uri="https://api.anthropic.com/v1/models")
    _, exchanges, issues = load_all(p)
    assert exchanges == [] and len(issues) == 1
    assert "1 GET /v1/models" in issues[0].message and "nothing to check" in issues[0].message


# -- damaged and hostile cassettes ---------------------------------------------------------------

def test_broken_yaml_names_the_file_and_line(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text("interactions:\n- request:\n    body: '{\"a\": 1}'\n   method: [POST\n")
    with pytest.raises(LoadError) as exc:
        load_all(p)
    assert str(p) in str(exc.value) and "line " in str(exc.value)


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system ['touch PWNED']", "!ruby/object:Foo {a: 1}"])
def test_a_tag_naming_a_program_object_is_an_error_never_run(tmp_path, tag, monkeypatch):
    monkeypatch.chdir(tmp_path)
    p = tmp_path / "evil.yaml"
    p.write_text(f"interactions:\n- request:\n    body: {tag}\n    method: POST\n"
                 "    uri: https://api.anthropic.com/v1/messages\n  response: {{status: {{code: 200}}}}\n")
    with pytest.raises(LoadError) as exc:
        load_all(p)
    assert "program object" in str(exc.value) and "line 3" in str(exc.value)
    assert not (tmp_path / "PWNED").exists()


def test_a_request_body_that_is_not_json_names_the_interaction(tmp_path):
    p = cassette(tmp_path, "string: " + _yaml_str(json.dumps(MSG)), request_body="'not json {'")
    _, exchanges, issues = load_all(p)
    assert exchanges == [] and len(issues) == 1
    assert "interaction 0" in issues[0].message and "not JSON" in issues[0].message
    assert issues[0].line == 2


def test_the_cli_on_a_damaged_cassette_exits_two_with_one_line(tmp_path, capsys):
    p = tmp_path / "bad.yml"
    p.write_text("http_interactions:\n- request: {method: post\n")
    assert main(["check", str(p)]) == 2
    err = capsys.readouterr().err
    assert str(p) in err and "Traceback" not in err


# -- §2: the same findings on a cassette and on its native conversion -----------------------------

def _codes(path: Path, capsys) -> set[tuple[str, str]]:
    main(["check", "--format", "json", str(path)])
    doc = json.loads(capsys.readouterr().out)
    return {(f["record"], f["code"], f["path"]) for f in doc["findings"]}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_findings_on_a_cassette_equal_those_on_its_native_form(name, tmp_path, capsys):
    native = tmp_path / "native.jsonl"
    assert main(["convert", str(FORMATS / name), "--to", "native", "-o", str(native)]) == 0
    capsys.readouterr()
    on_cassette = _codes(FORMATS / name, capsys)
    assert on_cassette == _codes(native, capsys)
    assert on_cassette or name == "vcrpy_cassette_gzip.yaml.gz"  # the one sample of clean calls
