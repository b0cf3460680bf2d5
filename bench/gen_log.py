"""Deterministic synthetic agent logs (native JSONL exchanges), stdlib only.

Agent sessions re-send their growing history, so consecutive requests share prefixes, as in real
logs (TECH_NOTES.md §7).  A fraction of records carries the faults the checker looks for.
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from pathlib import Path

TOOLS = [
    {"name": n, "description": f"The {n} tool.", "input_schema": {
        "type": "object", "properties": {"path": {"type": "string"}, "limit": {"type": "integer"}},
        "required": ["path"]}}
    for n in ("read_file", "write_file", "run_tests", "search_code", "list_dir", "git_diff")
]
WORDS = ("the invoice total uses floats so rounding drifts when quantities grow and the test "
         "compares against an exact decimal value which fails in CI on every run").split()


def _text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def sessions(seed: int = 1, fault_rate: float = 0.05) -> Iterator[dict]:
    """An endless stream of native exchange records."""
    rng = random.Random(seed)
    rec = 0
    while True:
        history: list[dict] = [{"role": "user", "content": _text(rng, 40)}]
        for turn in range(rng.randint(4, 14)):
            calls = [{"type": "tool_use", "id": f"toolu_01{rng.getrandbits(64):016x}",
                      "name": rng.choice(TOOLS)["name"], "input": {"path": f"src/m{rng.randint(1, 99)}.py"}}
                     for _ in range(rng.randint(1, 3))]
            assistant = {"role": "assistant", "content": [{"type": "text", "text": _text(rng, 20)}, *calls]}
            results = [{"type": "tool_result", "tool_use_id": c["id"], "content": _text(rng, rng.randint(50, 400))}
                       for c in calls]
            # A current model, so the reference tree and this one run the same rules on it.
            body = {"model": "claude-haiku-4-5-20251001", "max_tokens": 4096,
                    "system": [{"type": "text", "text": _text(rng, 120), "cache_control": {"type": "ephemeral"}}],
                    "tools": TOOLS, "messages": [*history]}
            status, error = 200, None
            if rng.random() < fault_rate:
                body["messages"] = [*history, assistant, {"role": "user", "content": "continue"}]
                status = 400
                error = {"type": "error", "error": {"type": "invalid_request_error", "message":
                         f"messages.{len(history)}: `tool_use` ids were found without `tool_result` blocks "
                         f"immediately after: {calls[0]['id']}."}}
            response = None if error else {
                "id": f"msg_01{rng.getrandbits(48):012x}", "type": "message", "role": "assistant",
                "model": body["model"], "content": assistant["content"], "stop_reason": "tool_use",
                "stop_sequence": None, "usage": {"input_tokens": 1000 + 50 * turn, "output_tokens": 80}}
            yield {"request": body, "response": response, "error": error, "status": status,
                   "started_at": f"2026-11-26T10:{rec // 60 % 60:02d}:{rec % 60:02d}Z",
                   "duration_ms": rng.randint(300, 9000), "headers": {}, "request_id": f"req_011C{rec:08d}",
                   "source": {"file": "bench", "record": rec, "line": rec + 1, "format": "native"}}
            rec += 1
            history += [assistant, {"role": "user", "content": results}]


def write_log(path: Path, megabytes: float, seed: int = 1) -> int:
    """Write about ``megabytes`` MB of JSONL to ``path``; return the number of records."""
    limit = int(megabytes * 1024 * 1024)
    size = n = 0
    with path.open("w", encoding="utf-8") as f:
        for record in sessions(seed):
            line = json.dumps(record, ensure_ascii=False) + "\n"
            f.write(line)
            size += len(line.encode())
            n += 1
            if size >= limit:
                return n
    return n


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("out", type=Path)
    ap.add_argument("--mb", type=float, default=100)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    print(f"{write_log(a.out, a.mb, a.seed)} records -> {a.out}")
