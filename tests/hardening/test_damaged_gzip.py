"""Damaged ``.gz`` data past the header: corrupt deflate blocks or a bad CRC, in every reader.

Before, ``zlib.error`` / ``BadGzipFile`` escaped the readers and every command ended in
``internal error``.  Now the records read before the damage are checked and one line names the
file and the line where reading stopped.
"""

from __future__ import annotations

import gzip
import json
import random
import zlib
from pathlib import Path

import pytest

from tests.hardening.conftest import SAMPLES, cli, request


def _damage(data: bytes, at: float = 0.6, span: int = 64) -> bytes:
    """Flip bytes inside the deflate stream (never the 10-byte header or the 8-byte trailer)."""
    b = bytearray(data)
    start = max(10, int(len(b) * at))
    for i in range(start, min(start + span, len(b) - 8)):
        b[i] ^= 0xA5
    return bytes(b)


def _cut(data: bytes) -> bytes:
    """A stream cut inside a deflate block (no trailer): EOFError when read."""
    return data[: len(data) * 3 // 4]


def _jsonl(n: int = 3000) -> bytes:
    """Big and incompressible enough that the damage lies past what format detection reads."""
    rng = random.Random(7)
    return "".join(json.dumps(request(f"question {i} {rng.getrandbits(512):x}")) + "\n" for i in range(n)).encode()


@pytest.mark.parametrize("damage", [_damage, _cut], ids=["corrupt-deflate", "cut-stream"])
def test_damaged_jsonl_gz_keeps_the_records_before_and_names_where_it_stops(capsys, tmp_path: Path, damage):
    src = tmp_path / "log.jsonl.gz"
    src.write_bytes(damage(gzip.compress(_jsonl())))
    with pytest.raises((zlib.error, gzip.BadGzipFile, EOFError)):
        gzip.decompress(src.read_bytes())  # the data really is damaged
    run = cli(capsys, "check", src, "--format", "json")
    assert run.rc == 2 and "internal error" not in run.err
    [stop] = [ln for ln in run.err_lines if "the gzip data is damaged here" in ln]
    assert stop.startswith(f"{src}:")
    assert json.loads(run.out)["files"][0]["records"] > 0  # what came before was checked
    for argv in (("fix", src, "-o", tmp_path / "fixed.jsonl"), ("export", src, "--record", 0)):
        assert "internal error" not in cli(capsys, *argv).err


@pytest.mark.parametrize("sample", ["sse_text_two_streams_cut.txt", "sdk_debug_anthropic.log",
                                    "langfuse-trace.json", "har_devtools.har"])
def test_damaged_gz_of_every_reader_kind_is_one_clear_line(capsys, tmp_path: Path, sample: str):
    data = (SAMPLES / "formats" / sample).read_bytes()
    if sample.endswith((".txt", ".log")):  # line readers: damage past what detection reads
        rng = random.Random(3)
        filler = b"".join(b": %x\n" % rng.getrandbits(512) for _ in range(4000))  # an SSE comment / a log line
        data = data + filler + data
    src = tmp_path / (sample + ".gz")
    src.write_bytes(_cut(gzip.compress(data)))
    run = cli(capsys, "check", src)
    assert run.rc == 2 and "internal error" not in run.err and "Traceback" not in run.err, run.err
    assert "gzip" in run.err
