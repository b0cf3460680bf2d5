"""L family: log-level findings from one streaming pass (retry loops, backoff, counts, token cost)."""

from __future__ import annotations

import json
import math
from pathlib import Path

from tests.rulekit import req, user
from tui.cli.main import main
from tui.core.formats import open_log
from tui.core.loglevel import LogChecker, check_log, fingerprint
from tui.core.model import Exchange, LoadIssue, Source
from tui.core.rules.registry import select_rules

INCIDENT = Path(__file__).resolve().parents[1] / "sample_payloads" / "incident.jsonl"
REQ = req(user("Run the failing test and tell me why it fails."))
OTHER = req(user("Now fix it."))
OVERLOADED = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
RATE = {"type": "error", "error": {"type": "rate_limit_error", "message": "rate limited"}}
INVALID = {"type": "error", "error": {"type": "invalid_request_error",
                                      "message": "messages.0.content: Field required"}}
OK = {"id": "msg_01", "type": "message", "role": "assistant", "content": [{"type": "text", "text": "ok"}],
      "stop_reason": "end_turn", "usage": {"input_tokens": 1000, "cache_read_input_tokens": 500,
                                           "output_tokens": 20}}


def ex(i: int, request=REQ, *, status=200, error=None, response=None, at: float | None = None,
       ms: float | None = 100, headers=None) -> Exchange:
    """Exchange ``i`` (line i+1); ``at`` = seconds after 12:00:00.000 (millisecond timestamps)."""
    started = None
    if at is not None:
        whole, frac = divmod(round(at * 1000), 1000)
        started = f"2026-01-05T12:{whole // 60:02d}:{whole % 60:02d}.{frac:03d}Z"
    if status == 200 and error is None and response is None:
        response = OK
    return Exchange(source=Source("run.jsonl", i, i + 1), format="native", request=request,
                    response=response, error=error, status=status, started_at=started,
                    duration_ms=ms if at is not None else None, headers=headers or {})


def found(exchanges, code=None, **kw):
    return [(e.source.record, f) for e, f in check_log(exchanges, **kw) if code is None or f.code == code]


def related(f) -> list[str]:
    return [".".join(map(str, r)) for r in f.related]


# -- the incident sample ----------------------------------------------------------------------

def test_l001_incident_resend_after_400_is_reported_on_the_retry():
    fs = found(open_log(INCIDENT), "L001")
    assert [r for r, _ in fs] == [3]  # record 4 changed the payload: not the same request
    rec, f = fs[0]
    assert f.severity.value == "error" and f.path == () and related(f) == ["records.2"]
    assert "record 2 (line 3)" in f.message and "400 invalid_request_error" in f.message
    assert "cannot succeed" in f.message


def test_l002_incident_429_then_529_retries_are_found():
    results = found(open_log(INCIDENT))
    l002 = [(r, f) for r, f in results if f.code == "L002"]
    assert [r for r, _ in l002] == [6]  # after the 429 (retry-after 12) only ~7 s passed
    assert related(l002[0][1]) == ["records.5"]
    assert "retry-after: 12" in l002[0][1].message and "at most 7.9 s" in l002[0][1].message
    # the retry after the 529 waited ~3.9 s, more than backoff asks for a 2nd retry: no L002
    summary = [(r, f) for r, f in results if f.code == "L004" and r == 7]
    assert len(summary) == 1
    msg = summary[0][1].message
    assert "sent 3 times" in msg and "429 rate_limit_error" in msg and "529 overloaded_error" in msg
    assert related(summary[0][1]) == ["records.5", "records.6"]


def test_check_cli_reports_log_level_findings(capsys):
    rc = main(["check", str(INCIDENT), "--select", "L", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    got = [(f["record"], f["code"], f["related"]) for f in report["findings"]]
    assert (3, "L001", ["records.2"]) in got and (6, "L002", ["records.5"]) in got
    assert {c for _, c, _ in got} == {"L001", "L002", "L004"}
    assert rc == 1  # L001 is an error


def test_check_cli_ignore_turns_log_level_findings_off(capsys):
    main(["check", str(INCIDENT), "--ignore", "L", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert not [f for f in report["findings"] if f["code"].startswith("L")]


# -- L001 -----------------------------------------------------------------------------------

def test_l001_every_resend_of_a_loop_is_reported():
    log = [ex(i, status=400, error=INVALID, at=i * 2.0) for i in range(4)]
    fs = found(log, "L001")
    assert [r for r, _ in fs] == [1, 2, 3]
    assert related(fs[2][1]) == ["records.2", "records.0"]  # the previous and the first attempt
    assert "re-send 3 of this request" in fs[2][1].message


def test_l001_key_order_and_formatting_do_not_matter():
    reordered = json.loads(json.dumps(REQ, sort_keys=True))
    assert list(reordered) != list(REQ)
    assert fingerprint(reordered) == fingerprint(REQ)
    fs = found([ex(0, status=400, error=INVALID), ex(1, reordered, status=400, error=INVALID)], "L001")
    assert [r for r, _ in fs] == [1]


def test_l001_near_miss_changed_payload_is_not_a_retry():
    assert not found([ex(0, status=400, error=INVALID, at=0), ex(1, OTHER, status=400, error=INVALID, at=5)])


def test_l001_near_miss_resend_after_success_is_not_a_retry():
    assert not found([ex(0, at=0), ex(1, at=5), ex(2, at=9)])


def test_l001_near_miss_parallel_duplicate_is_not_a_retry():
    # the second copy started before the first one's 400 came back: not a reaction to it
    assert not found([ex(0, status=400, error=INVALID, at=0, ms=900), ex(1, status=400, error=INVALID, at=0.3)])


def test_l001_status_alone_classifies_the_error():
    fs = found([ex(0, status=413, at=0), ex(1, status=413, at=3)], "L001")
    assert [r for r, _ in fs] == [1] and "(413)" in fs[0][1].message


# -- L002 -----------------------------------------------------------------------------------

def test_l002_immediate_retry_after_529_is_no_backoff():
    fs = found([ex(0, status=529, error=OVERLOADED, at=0, ms=200), ex(1, at=0.25)], "L002")
    assert [r for r, _ in fs] == [1]
    assert "0.05 s" in fs[0][1].message and "no backoff" in fs[0][1].message


def test_l002_fixed_delay_that_does_not_grow_is_reported_from_the_third_retry():
    log = [ex(0, status=529, error=OVERLOADED, at=0, ms=0)]
    log += [ex(i, status=529, error=OVERLOADED, at=float(i), ms=0) for i in range(1, 4)]
    fs = found(log, "L002")
    # waits of 1 s: enough before retry 1 (0.375 s) and 2 (0.75 s), not before retry 3 (1.5 s)
    assert [r for r, _ in fs] == [3]
    assert "did not grow" in fs[0][1].message and "retry 3" in fs[0][1].message


def test_l002_retry_after_ms_is_honoured_and_measured():
    early = [ex(0, status=429, error=RATE, at=0, ms=100, headers={"retry-after-ms": "2000"}),
             ex(1, at=1.1)]
    fs = found(early, "L002")
    assert [r for r, _ in fs] == [1] and "retry-after-ms: 2000" in fs[0][1].message
    patient = [ex(0, status=429, error=RATE, at=0, ms=100, headers={"retry-after-ms": "2000"}),
               ex(1, at=2.2)]
    assert not found(patient, "L002")


def test_l002_retry_after_http_date_is_measured_from_the_failed_response():
    headers = {"retry-after": "Mon, 05 Jan 2026 12:00:10 GMT"}
    fs = found([ex(0, status=429, error=RATE, at=0, ms=100, headers=headers), ex(1, at=3)], "L002")
    assert [r for r, _ in fs] == [1] and "asked to wait 9.9 s" in fs[0][1].message
    assert not found([ex(0, status=429, error=RATE, at=0, ms=100, headers=headers), ex(1, at=10.5)], "L002")


def test_l002_near_miss_second_resolution_gives_the_client_the_benefit_of_the_doubt():
    a = ex(0, status=529, error=OVERLOADED, ms=100)
    b = ex(1)
    a.started_at = b.started_at = "2026-01-05T12:00:00Z"  # same second: the real wait may be 0.9 s
    b.duration_ms = 100
    assert not found([a, b], "L002")
    assert found([a, b], "L004")  # still a retry


def test_l002_near_miss_untimed_log_reports_no_backoff_problem():
    log = [ex(0, status=529, error=OVERLOADED), ex(1)]
    assert not found(log, "L002")
    assert [f.code for _, f in found(log)] == ["L004"]


# -- L003 -----------------------------------------------------------------------------------

def test_l003_more_retries_than_the_limit_is_reported_once():
    log = [ex(i, status=529, error=OVERLOADED, at=i * 10.0) for i in range(6)]
    fs = found(log, "L003")
    assert [r for r, _ in fs] == [3]  # the third re-send is one more than the SDK's 2
    assert related(fs[0][1]) == ["records.0", "records.1", "records.2"]
    assert "sent 4 times" in fs[0][1].message


def test_l003_near_miss_at_the_limit_and_a_custom_limit():
    log = [ex(i, status=529, error=OVERLOADED, at=i * 10.0) for i in range(3)]
    assert not found(log, "L003")
    assert [r for r, _ in found(log, "L003", retry_limit=1)] == [2]


# -- L004 -----------------------------------------------------------------------------------

def test_l004_tokens_are_estimated_from_the_request_size_when_usage_is_not_logged():
    log = [ex(i, status=529, error=OVERLOADED, at=i * 10.0) for i in range(3)]
    [(rec, f)] = found(log, "L004")
    per_attempt = math.ceil(fingerprint(REQ)[1] / 4)
    assert rec == 2 and f"about {2 * per_attempt:,} input tokens" in f.message
    assert "estimate from the request size" in f.message and "failed too" in f.message
    assert f.severity.value == "info"


def test_l004_logged_usage_is_used_for_a_successful_retry():
    [(rec, f)] = found([ex(0, status=529, error=OVERLOADED, at=0), ex(1, at=5)], "L004")
    assert rec == 1 and "about 1,500 input tokens (from the logged usage)" in f.message
    assert related(f) == ["records.0"]


def test_l004_near_miss_a_single_failed_attempt_has_no_summary():
    assert not found([ex(0, status=529, error=OVERLOADED, at=0), ex(1, OTHER, at=5)])


# -- streaming, memory, selection -------------------------------------------------------------

def test_memory_is_bounded_by_the_window_and_evicted_chains_are_summarised():
    checker = LogChecker(window=8)
    for i in range(2000):
        body = req(user(f"request {i}"))
        checker.feed(ex(i, body, status=529, error=OVERLOADED))
        assert len(checker._open) <= 8 and sum(checker._cheap.values()) == len(checker._open)
    # a retried request pushed out of the window is summarised at once, not lost
    checker = LogChecker(window=1)
    out = checker.feed(ex(0, status=529, error=OVERLOADED)) + checker.feed(ex(1, status=529, error=OVERLOADED))
    out += checker.feed(ex(2, OTHER, status=529, error=OVERLOADED))
    assert [f.code for _, f in out] == ["L004"] and out[0][0].source.record == 1
    assert not checker.finish()


def test_rule_selection_and_load_issues_are_respected():
    log = [ex(0, status=400, error=INVALID), LoadIssue("run.jsonl", "bad line", record=1, line=2),
           ex(2, status=400, error=INVALID)]
    only = [f.code for _, f in check_log(log, select_rules(["L001"]))]
    assert only == ["L001"]
    assert not list(check_log(log, select_rules(["P"])))


def test_exchanges_without_request_are_skipped():
    resp_only = Exchange(source=Source("r.jsonl", 0, 1), format="anthropic-error", error=OVERLOADED, status=529)
    assert not found([resp_only, resp_only])
