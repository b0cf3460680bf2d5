"""TypeScript SDK debug logs (``ANTHROPIC_LOG=debug`` under Node; issue 15 §1).  The samples were
printed by ``@anthropic-ai/sdk`` 1.17.0 on Node 20 against the test suite's fake API (URLs and
dates rewritten), once with Node's defaults and once with whole bodies."""

from __future__ import annotations

from pathlib import Path

from tui.cli.main import main
from tui.core.check import check_exchange
from tui.core.formats import load_all

FORMATS = Path(__file__).resolve().parents[2] / "sample_payloads" / "formats"
WHOLE = FORMATS / "ts_sdk_debug_whole_bodies.log"
DEFAULTS = FORMATS / "ts_sdk_debug_node_defaults.log"
KEY = "sk-ant-api03-" + "Q" * 90 + "AA"


def codes(ex) -> set[tuple[str, str]]:
    return {(f.code, f.dotted) for f in check_exchange(ex)}


def test_whole_bodies_give_checked_attempts_with_retries_status_and_errors():
    log, exchanges, issues = load_all(WHOLE)
    assert log.format == "ts-sdk-debug-log" and not issues
    assert [ex.status for ex in exchanges] == [529, 200, 400, 200]
    first, retry, rejected, streamed = exchanges
    assert retry.extra["attempt"] == 2 and retry.extra["retry_of_record"] == 0 and first.extra["attempt"] == 1
    assert retry.request == first.request and retry.request["messages"][0]["role"] == "user"
    assert retry.response["stop_reason"] == "tool_use" and retry.response["content"][1]["type"] == "tool_use"
    assert rejected.request_id == "req_011CVa3rejected000000003" and rejected.duration_ms == 4
    assert rejected.started_at == "2026-11-30T14:06:36Z"  # the Date header
    assert rejected.headers["anthropic-version"] == "2026-10-21"  # judged from the request side
    assert ("P003", "messages.2.content.1") in codes(rejected)
    e001 = next(f for f in check_exchange(rejected) if f.code == "E001")
    assert "rule P001 (tool-use-without-result) explains it at messages.2; this check reports it as P003" in e001.message
    assert streamed.response is None and "streamed" in streamed.extra["response_note"]
    assert [codes(ex) for ex in (retry, streamed)] == [set(), set()]


def test_node_default_depth_keeps_cut_bodies_out_of_the_check_and_says_so():
    _, exchanges, issues = load_all(DEFAULTS)
    assert not issues and [ex.status for ex in exchanges] == [529, 200, 400, 200]
    assert all(ex.request is None for ex in exchanges)
    assert exchanges[0].extra["request_outline"]["model"] == "claude-sonnet-4-6"
    notes = [f for f in check_exchange(exchanges[1]) if f.code == "I004"]
    assert [f.message.split(":")[0] for f in notes] == ["the log printed the request body cut at tools, messages",
                                                        "the log printed the response body cut at content.0, content.1"]
    assert "util.inspect.defaultOptions" in notes[0].message
    e001 = next(f for f in check_exchange(exchanges[2]) if f.code == "E001")
    assert "the log kept no whole request body, so this check cannot look for it" in e001.message
    assert "does not reproduce" not in e001.message


def test_i004_is_quiet_on_a_body_logged_whole():
    """Near miss for I004: the same calls logged with depth: null carry no cut note."""
    _, exchanges, _ = load_all(WHOLE)
    assert not any(f.code == "I004" for ex in exchanges for f in check_exchange(ex))


def test_i004_names_every_cut_of_a_long_body(tmp_path):
    text = DEFAULTS.read_text().replace("      messages: [Array]\n",
                                        "      messages: [ [Object], [Object], ... 120 more items ]\n", 1)
    p = tmp_path / "debug.log"
    p.write_text(text)
    _, exchanges, _ = load_all(p)
    note = next(f for f in check_exchange(exchanges[0]) if f.code == "I004")
    assert note.message.startswith("the log printed the request body cut at tools, messages.0, messages.1, messages")


def _whole_call(status_line: str, *, extra: str = "") -> str:
    body = WHOLE.read_text().split("[log_", 2)[1]  # the first `sending request` object, whole
    return f"[log_{body}{status_line}\n{extra}"


def test_the_error_the_app_printed_is_the_error_when_the_log_kept_no_body(tmp_path):
    text = _whole_call(
        '[log_bc9139, request-id: "req_011CVb"] post https://api.anthropic.com/v1/messages failed with status 400 '
        'in 9ms - error; not retryable',
        extra="BadRequestError: 400 max_tokens: 64001 > 64000, which is the maximum allowed number of output tokens "
              "for claude-sonnet-4-6 (request_id: req_011CVb, path: /v1/messages, type: invalid_request_error)\n")
    p = tmp_path / "app.log"
    p.write_text(text)
    _, [ex], issues = load_all(p)
    assert not issues and ex.status == 400 and ex.request_id == "req_011CVb"
    assert ex.error == {"type": "error", "error": {"type": "invalid_request_error", "message":
                        "max_tokens: 64001 > 64000, which is the maximum allowed number of output tokens for "
                        "claude-sonnet-4-6"}}
    assert "BadRequestError" in ex.extra["error_from"]


def test_an_info_level_log_gives_body_less_attempts_linked_by_retry_of(tmp_path):
    p = tmp_path / "info.log"
    p.write_text(
        '[log_aaaaaa, request-id: "req_1"] post https://api.anthropic.com/v1/messages failed with status 429 in 20ms'
        ' - retrying, 2 attempts remaining\n'
        '[log_bbbbbb, retryOf: log_aaaaaa, request-id: "req_2"] post https://api.anthropic.com/v1/messages '
        'succeeded with status 200 in 800ms\n'
        '[log_cccccc] get https://api.anthropic.com/v1/models succeeded with status 200 in 40ms\n')
    _, exchanges, issues = load_all(p)
    assert not issues and [(ex.status, ex.request, ex.extra["attempt"]) for ex in exchanges] == [
        (429, None, 1), (200, None, 2)]
    assert exchanges[1].extra["retry_of_record"] == 0 and exchanges[0].extra["retries_left"] == 2


def test_lines_with_an_app_prefix_and_a_leaked_key_are_read_and_masked(tmp_path):
    text = _whole_call('[log_bc9139] post https://api.anthropic.com/v1/messages succeeded with status 200 in 9ms')
    text = text.replace("authorization: '***'", f"'x-api-key': '{KEY}'")
    text = "\n".join(f"2026-11-30T14:02:11.120Z app[4411]: {ln}" if ln.startswith("[log_") else ln
                     for ln in text.splitlines())
    p = tmp_path / "prefixed.log"
    p.write_text(text)
    _, [ex], issues = load_all(p)
    assert not issues and ex.status == 200 and ex.request["model"] == "claude-sonnet-4-6"
    assert KEY not in repr(ex.to_native())


def test_a_cut_log_and_an_unreadable_object_are_named_by_line(tmp_path, capsys):
    cut = tmp_path / "cut.log"
    cut.write_text("\n".join(WHOLE.read_text().splitlines()[:20]) + "\n")
    _, exchanges, issues = load_all(cut)
    assert [str(i) for i in issues] == [f"{cut}:1: the log ends inside the object after `sending request` "
                                        f"(the file is cut)"]
    bad = tmp_path / "bad.log"
    bad.write_text(WHOLE.read_text().replace("max_tokens: 1024,", "max_tokens: 1024 ;", 1))
    _, exchanges, issues = load_all(bad)
    assert len(issues) == 1 and str(issues[0]).startswith(f"{bad}:1: the object after `sending request` is not "
                                                          f"readable: at character")
    assert len(exchanges) == 4  # the other attempts still load
    assert main(["check", str(cut)]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_a_python_sdk_debug_log_is_not_taken_for_a_typescript_one():
    log, _, _ = load_all(FORMATS / "sdk_debug_anthropic.log")
    assert log.format == "sdk-debug-log"
