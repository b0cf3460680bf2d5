"""Every loader decodes embedded JSON text through the one hardened parser (issue 11 §3 / 14).

LiteLLM SpendLogs and OTLP attributes carry JSON as strings; OpenAI pairs may keep a response as
text; SSE events carry JSON data.  A 100,000-deep string there took the whole file down (a
RecursionError, no line number), and ``NaN`` passed as a number.  Now the record gets a finding or
a load issue naming its line and the other records load.
"""

from __future__ import annotations

import json

import pytest

from tests.hardening.conftest import SAMPLES, cli


def _deep(n: int = 100_000) -> str:
    return "[" * n + "]" * n


def _litellm_line(messages: str) -> str:
    rec = json.loads((SAMPLES / "formats" / "litellm-standard-logging.jsonl").read_text().splitlines()[0])
    return json.dumps({**rec, "messages": messages})


@pytest.mark.parametrize("embedded", [_deep(), '[{"role": "user", "content": "hi", "x": NaN}]'],
                         ids=["100k-deep", "nan"])
def test_hostile_json_text_inside_a_litellm_record_spoils_only_that_record(capsys, tmp_path, embedded):
    lines = (SAMPLES / "formats" / "litellm-standard-logging.jsonl").read_text().splitlines()
    src = tmp_path / "spend.jsonl"
    src.write_text("\n".join([lines[0], _litellm_line(embedded), *lines[1:]]) + "\n")
    run = cli(capsys, "check", src, "--format", "json")
    assert "internal error" not in run.err and run.rc in (1, 2), run.err
    report = json.loads(run.out)
    assert report["files"][0]["records"] >= len(lines) - 1  # every other record is there
    # the hostile record is named (line 2), never checked as if its messages were fine
    assert f"{src}:2:" in run.err and not any(f["record"] == 1 for f in report["findings"])


def test_a_deep_sse_data_line_is_not_a_crash(capsys, tmp_path):
    good = (SAMPLES / "formats" / "sse_text_two_streams_cut.txt").read_text()
    src = tmp_path / "stream.txt"
    src.write_text(good + f"\nevent: content_block_delta\ndata: {_deep()}\n\n")
    run = cli(capsys, "check", src)
    assert "internal error" not in run.err and run.rc in (0, 1, 2), run.err
