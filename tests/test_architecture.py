"""Architecture guards: the core never imports textual, and `check` stays light."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[1] / "tui" / "core"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module.split(".")[0])
    return out


def test_core_never_imports_textual():
    offenders = [str(p) for p in CORE.rglob("*.py") if "textual" in _imports(p)]
    assert not offenders


def test_check_on_a_request_imports_neither_anthropic_nor_textual(tmp_path):
    body = {"model": "claude-haiku-4-5", "max_tokens": 64, "messages": [{"role": "user", "content": "hi"}]}
    p = tmp_path / "r.json"
    p.write_text(json.dumps(body))
    code = (
        "import sys\n"
        "from tui.cli.main import main\n"
        f"rc = main(['check', {str(p)!r}])\n"
        "print('LOADED', [m for m in ('anthropic', 'textual', 'httpx2') if m in sys.modules])\n"
        "sys.exit(rc)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert "LOADED []" in run.stdout
