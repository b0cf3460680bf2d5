"""The exporter registry: common signature, suffixes, redaction by default, pinned golden output."""

from __future__ import annotations

import json

import pytest

from tests.export import API_ERROR, PLANTED, agent_findings, agent_request, check_golden
from tui.core.export import EXPORTERS, SUFFIXES, get_exporter
from tui.core.redact import contains_secret


def test_registry_names_and_default_suffixes():
    assert list(EXPORTERS) == ["json", "curl", "python", "markdown"]
    assert SUFFIXES == {"json": ".json", "curl": ".sh", "python": ".py", "markdown": ".md"}
    assert all(EXPORTERS[n].suffix == s for n, s in SUFFIXES.items())
    with pytest.raises(KeyError, match="unknown export format 'yaml'; choose one of: json, curl"):
        get_exporter("yaml")


def test_json_export_of_a_clean_body_is_json_equal_to_the_input():
    body = {"model": "claude-sonnet-4-5", "max_tokens": 10, "x_unknown": {"kept": [1, 2.5, None]},
            "messages": [{"role": "user", "content": "Weather in Paris? ☔"}]}
    out = EXPORTERS["json"](body)
    assert out.endswith("}\n") and "☔" in out
    assert json.loads(out) == body and list(json.loads(out)) == list(body)


def test_json_export_without_redaction_is_identical_to_the_input():
    body = agent_request()
    assert json.loads(EXPORTERS["json"](body, redact=False)) == body


@pytest.mark.parametrize("name", list(EXPORTERS))
def test_no_export_contains_a_planted_secret(name):
    body = agent_request()
    out = EXPORTERS[name](body, findings=agent_findings(), api_error=API_ERROR)
    for secret in PLANTED:
        assert secret not in out, f"{name} export leaks {secret[:16]}…"
    assert "[REDACTED]" in out
    assert not contains_secret(out)
    assert body == agent_request()  # the input is not modified


@pytest.mark.parametrize("name", ["json", "curl", "python"])
def test_redact_false_keeps_the_secrets_for_a_private_replay(name):
    out = EXPORTERS[name](agent_request(), redact=False)
    assert all(secret in out for secret in PLANTED)


def test_markdown_is_redacted_even_when_asked_not_to():
    out = EXPORTERS["markdown"](agent_request(), findings=agent_findings(), redact=False)
    assert not any(secret in out for secret in PLANTED)


def test_golden_curl_export():
    check_golden("agent_request.curl.sh", EXPORTERS["curl"](agent_request()))


def test_golden_python_export():
    check_golden("agent_request.python.py", EXPORTERS["python"](agent_request()))


def test_golden_markdown_export():
    out = EXPORTERS["markdown"](agent_request(), findings=agent_findings(), api_error=API_ERROR)
    check_golden("agent_request.repro.md", out)


def test_golden_json_export():
    check_golden("agent_request.redacted.json", EXPORTERS["json"](agent_request()))


@pytest.mark.parametrize("name", ["json", "curl", "python", "markdown"])
def test_exporters_survive_very_deep_bodies(name):
    deep: object = "bottom"
    for _ in range(400):
        deep = {"k": [deep]}
    body = {"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}], "x": deep}
    out = EXPORTERS[name](body)
    if name == "json":
        assert json.loads(out) == body
    elif name == "curl":
        assert json.loads(out.split("<<'JSON'\n", 1)[1].rsplit("\nJSON\n", 1)[0]) == body
