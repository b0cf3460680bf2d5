"""The shipped request shapes are the installed SDK's: regenerating them changes nothing.

Bumping the ``anthropic`` pin without ``python -m tui.core.apigen`` fails here, so the checker's
knowledge of the API cannot silently fall behind the SDK it replays with.
"""

from __future__ import annotations

import subprocess
import sys

from tui.core import apigen, apishapes


def test_shipped_shape_file_is_what_the_installed_sdk_generates(tmp_path):
    """Generated in a fresh interpreter, as `python -m tui.core.apigen` does.  Generated in the
    test process after the rest of the suite, the output once differed from a current file while
    the subprocess `--check` of the same run agreed with it: the generator reads typing state the
    earlier tests' imports can change (a suspect: typing caches unions by equality, and Literal
    equality ignores the order of its values)."""
    import difflib

    import anthropic

    fresh_path = tmp_path / "api_shapes.json"
    out = subprocess.run([sys.executable, "-m", "tui.core.apigen", "-o", str(fresh_path)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    shipped, fresh = apigen.OUT.read_text("utf-8"), fresh_path.read_text("utf-8")
    diff = "\n".join(list(difflib.unified_diff(shipped.splitlines(), fresh.splitlines(), "shipped", "fresh",
                                                lineterm="", n=2))[:60])
    assert fresh == shipped, (
        f"tui/core/data/api_shapes.json is stale for anthropic {anthropic.__version__}: "
        f"run `python -m tui.core.apigen`\n{diff}")
    assert apishapes.sdk_version() == anthropic.__version__


def test_generator_check_mode_says_stale_and_exits_1(tmp_path):
    stale = tmp_path / "api_shapes.json"
    stale.write_text('{"sdk_version": "0.0.1"}\n', "utf-8")
    out = subprocess.run([sys.executable, "-m", "tui.core.apigen", "--check", "-o", str(stale)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 1 and "is stale" in out.stderr
    ok = subprocess.run([sys.executable, "-m", "tui.core.apigen", "--check"],
                        capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr


def test_the_shapes_know_what_the_sdk_sends_and_accepts():
    from anthropic._constants import ANTHROPIC_API_VERSION

    assert apishapes.sdk_api_version() == ANTHROPIC_API_VERSION
    keys = apishapes.top_level_keys()
    assert {k for k, s in keys.items() if s["required"]} == {"model", "max_tokens", "messages"}
    assert not {"temperature", "top_p", "top_k", "output_format", "betas", "workspace_id"} & set(keys)
    assert keys["mcp_servers"].get("beta") and not keys["output_config"].get("beta")
    assert {"tool_addition", "tool_removal"} <= set(apishapes.message_cases("system"))
    assert "tool_reference" not in apishapes.message_cases("user")


def test_every_beta_feature_names_real_sdk_headers_and_a_beta_only_shape():
    headers = apishapes.beta_header_names()
    beta_blocks = {t for role in ("user", "assistant", "system")
                   for t, c in apishapes.message_cases(role).items() if c.get("beta")}
    beta_top = {k for k, s in apishapes.top_level_keys().items() if s.get("beta")}
    tools = apishapes.top_level_keys()["tools"]["type"]["list"]["cases"]
    beta_tools = {t for t, c in tools.items() if c.get("beta")}
    for feature, entry in apishapes.beta_features().items():
        assert set(entry["headers"]) <= headers, feature
        assert entry["source"], feature
        kind, _, name = feature.partition(":")
        if kind == "block":
            assert name in beta_blocks, feature
        elif kind == "tool":
            assert name in beta_tools, feature
        elif "." not in feature and "=" not in feature:
            assert feature in beta_top, feature
        else:
            def_name, _, rest = feature.partition(".")
            key, _, value = rest.partition("=")
            spec = apishapes.defn(def_name)["keys"][key]
            if value:
                assert any(value in m.get("beta_values", ()) for m in apishapes.members(spec["type"])
                           if isinstance(m, dict)), feature
            else:
                assert spec.get("beta"), feature


def test_literal_values_keep_the_order_the_sdk_wrote_whatever_was_imported_first():
    """`typing` hands back a cached union whose Literal has the values in another order when a
    module wrote them the other way round first (the SDK's analytics types write
    `Literal["fast", "standard"]`, `message_create_params` writes `["standard", "fast"]`); the
    generator reads the order from the annotation's text."""
    from typing import Literal, Optional

    import anthropic.types.beta.organization.beta_analytics_cost_users_item  # noqa: F401 - writes it first
    from anthropic.types.beta import message_create_params

    hint = Optional[Literal["fast", "standard"]]
    assert Optional[Literal["standard", "fast"]] == hint  # equal, so one cached object serves both
    sources = apigen._annotation_sources(message_create_params.MessageCreateParamsBase)
    evaluated = {"union": [{"lit": ["fast", "standard"]}, "null"]}
    fixed = apigen._in_source_order(evaluated, apigen._source_literals(sources["speed"]))
    assert fixed == {"union": [{"lit": ["standard", "fast"]}, "null"]}
    shipped = apigen.OUT.read_text("utf-8")
    assert '"standard",\n         "fast"' in shipped
