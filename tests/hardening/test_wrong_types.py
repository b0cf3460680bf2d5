"""Wrong types at every field of a request: a string where a list is expected, a list where an
object is, ``null``, numbers, booleans, empty containers — at every node of a request that uses
every part of the API.  Check, fix (safe and unsafe), every exporter, redaction, diff and the CLI
must never raise (the suite runs rules in strict mode: a rule that crashes fails the test), and
every finding must point into the payload.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.hardening.conftest import MODEL, cli
from tui.core.check import check_request
from tui.core.diff import diff_payloads, patch_from_diff
from tui.core.export import EXPORTERS
from tui.core.paths import exists
from tui.core.redact import redact_value
from tui.core.repair.patch import apply_patch
from tui.core.repair.planner import fix_payload

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="

FULL: dict[str, Any] = {
    "model": MODEL,
    "max_tokens": 2048,
    "system": [{"type": "text", "text": "You are terse.", "cache_control": {"type": "ephemeral"}}],
    "messages": [
        {"role": "user", "content": [
            {"type": "text", "text": "What is in this picture, and the weather?"},
            {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG}},
            {"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": "notes"},
             "title": "notes"}]},
        {"role": "assistant", "content": [
            {"type": "thinking", "thinking": "Look, then call the tool.", "signature": "c2lnbmF0dXJl"},
            {"type": "text", "text": "Checking."},
            {"type": "tool_use", "id": "toolu_01A", "name": "get_weather", "input": {"city": "Paris", "days": [1, 2]}}]},
        {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": "toolu_01A", "is_error": False,
             "content": [{"type": "text", "text": "rain"}]}]},
    ],
    "tools": [{"name": "get_weather", "description": "Weather by city.",
               "input_schema": {"type": "object", "properties": {"city": {"type": "string"},
                                                                 "days": {"type": "array", "items": {"type": "integer"}}},
                                "required": ["city"]}},
              {"type": "web_search_20250305", "name": "web_search", "max_uses": 3}],
    "tool_choice": {"type": "auto", "disable_parallel_tool_use": False},
    "thinking": {"type": "enabled", "budget_tokens": 1024},
    "temperature": 1,
    "top_p": 0.9,
    "top_k": 40,
    "stop_sequences": ["\n\nHuman:"],
    "stream": False,
    "metadata": {"user_id": "u-123"},
    "service_tier": "auto",
}

WRONG: tuple[Any, ...] = ("a string", "", 7, -1, 1.5, True, None, [], {}, [1, "x", None], {"k": "v"})


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if path:
        yield path
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*path, i))


def _get(value: Any, path: tuple[Any, ...]) -> Any:
    for p in path:
        value = value[p]
    return value


def mutations() -> Iterator[tuple[str, dict[str, Any]]]:
    """Every node replaced by every value of another type (and each container by a string)."""
    for path in _paths(FULL):
        old = _get(FULL, path)
        for wrong in WRONG:
            if type(wrong) is type(old) and wrong == old:
                continue
            if type(wrong) is type(old) and not isinstance(old, (list, dict)):
                continue  # same type, other value: that is a value test, not a type test
            body = copy.deepcopy(FULL)
            parent = _get(body, path[:-1])
            parent[path[-1]] = copy.deepcopy(wrong)
            yield f"{'.'.join(map(str, path))}={json.dumps(wrong)}", body
    for key in FULL:  # and every top-level field missing
        body = copy.deepcopy(FULL)
        del body[key]
        yield f"-{key}", body


MUTATIONS = list(mutations())


def test_the_mutations_cover_every_field():
    assert len(list(_paths(FULL))) > 80 and len(MUTATIONS) > 600


@pytest.mark.deadline(240)
def test_check_fix_and_every_export_survive_wrong_types_at_every_field():
    for name, body in MUTATIONS:
        before = copy.deepcopy(body)
        try:
            findings = check_request(body)
            for f in findings:
                if f.scope == "request" and f.path:
                    assert exists(body, f.path) or exists(body, f.path[:-1]), (f.code, f.dotted)
            safe = fix_payload(body)
            unsafe = fix_payload(body, unsafe=True)
            for res in (safe, unsafe):
                assert res.stopped is None or "did not apply" not in res.stopped, res.stopped
                assert apply_patch(body, patch_from_diff(body, res.fixed)) == res.fixed
                diff_payloads(body, res.fixed)
            for exporter in EXPORTERS.values():
                text = exporter(unsafe.fixed, findings=findings, api_error="messages.1: bad", beta=["x"])
                assert text
            assert json.loads(EXPORTERS["json"](body, redact=False)) == body
            assert redact_value(body) is not body
        except Exception as exc:  # name the mutation in the failure
            raise AssertionError(f"{name}: {type(exc).__name__}: {exc}") from exc
        assert body == before, f"{name}: the input was modified"


@pytest.mark.deadline(120)
def test_the_cli_survives_a_log_of_every_wrong_type(capsys, tmp_path):
    log = tmp_path / "wrong.jsonl"
    log.write_text("".join(json.dumps(b) + "\n" for _, b in MUTATIONS))
    not_requests = [i for i, (_, b) in enumerate(MUTATIONS) if "messages" not in b]  # "-messages"
    assert len(not_requests) == 1
    run = cli(capsys, "check", log, "--format", "json")
    assert run.rc == 2 and "Traceback" not in run.err  # 2: the record without messages is named
    assert run.err_lines == [f"{log}:{not_requests[0] + 1}: an object with keys {{model, max_tokens, system, "
                             f"tools, tool_choice, thinking, temperature, top_p, …}} is not a request body, a "
                             f"Message, an error envelope or a {{request, response}} pair"]
    report = json.loads(run.out)
    readable = len(MUTATIONS) - len(not_requests)
    assert report["files"][0]["records"] == readable and report["summary"]["error"] > readable // 2
    run = cli(capsys, "check", log, "--format", "github")
    assert run.rc == 2 and run.out.count("::error ") == report["summary"]["error"] + 1
    out = tmp_path / "fixed.jsonl"
    run = cli(capsys, "fix", log, "--unsafe-fixes", "-o", out)
    assert run.rc == 2 and "Traceback" not in run.err
    assert len(out.read_text().splitlines()) == readable
    for record in range(0, len(MUTATIONS), 97):
        for fmt in ("json", "curl", "markdown"):
            run = cli(capsys, "export", log, "--record", record, "--as", fmt, "--fix")
            assert run.rc == (2 if record in not_requests else 0), (record, fmt, run.err)
            assert bool(run.out) != (record in not_requests)
