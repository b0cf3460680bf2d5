"""Node's ``util.inspect`` text read back (the TypeScript SDK's debug log prints objects that way)."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from tui.core.formats.node_inspect import InspectError, parse_inspect

# Printed by Node 20 (console.log) for the SDK's `sending request` details, default options.
DEFAULT_DEPTH = """{
  method: 'POST',
  options: {
    body: {
      model: 'claude-sonnet-4-6',
      max_tokens: 1024,
      tools: [Array],
      messages: [Array]
    },
    signal: AbortSignal { aborted: false },
    stream: false
  },
  headers: { 'anthropic-version': '2026-10-21', authorization: '***' }
}"""


def test_default_depth_placeholders_are_reported_as_cuts():
    got = parse_inspect(DEFAULT_DEPTH)
    assert got.value["options"]["body"]["model"] == "claude-sonnet-4-6"
    assert got.value["options"]["signal"] == {"aborted": False}  # a class name is not data
    assert got.value["headers"]["anthropic-version"] == "2026-10-21"
    assert got.cuts == ["/options/body/tools", "/options/body/messages"]


def test_split_strings_quotes_escapes_and_tails():
    text = """{ a: 'it\\'s line one\\n' +
    'line two', b: "it's", c: `it's "both"`, d: 'x'... 12 more characters, e: [ 1, 2, ... 98 more items ],
    f: [ <2 empty items>, 3 ], g: -1.5e3, h: null, i: undefined, j: 12n, k: '\\u00e9\\x41' }"""
    got = parse_inspect(text)
    assert got.value == {"a": "it's line one\nline two", "b": "it's", "c": 'it\'s "both"', "d": "x", "e": [1, 2],
                         "f": [None, None, 3], "g": -1500.0, "h": None, "i": None, "j": 12, "k": "éA"}
    assert got.cuts == ["/d", "/e"]


def test_not_inspect_text_is_an_error_naming_the_place():
    with pytest.raises(InspectError, match="at character 6"):
        parse_inspect("{ a: ; }")
    with pytest.raises(InspectError, match="end of the text"):
        parse_inspect("{ a: 'open")
    with pytest.raises(InspectError, match="levels of nesting"):
        parse_inspect("[" * 500 + "]" * 500)


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_round_trip_through_real_node():
    """Whatever JSON value Node prints (whole, with depth: null), the parser gives it back."""
    value = {"model": "claude-sonnet-4-6", "messages": [
        {"role": "user", "content": [{"type": "text", "text": "quote ' double \" back ` slash \\ tab \t é 🙂\n" * 8},
                                     {"type": "tool_result", "tool_use_id": "toolu_1", "content": "{\"a\": 1}",
                                      "is_error": False}]}],
        "numbers": list(range(30)), "empty": {}, "none": None, "float": 0.25, "neg": -3, "big": 2**40,
        "weird key": {"a-b": 1, "0": 2}}
    script = ("const util = require('node:util');"
              "util.inspect.defaultOptions = {depth: null, maxArrayLength: null, maxStringLength: null};"
              "console.log(JSON.parse(require('node:fs').readFileSync(0, 'utf8')));")
    out = subprocess.run(["node", "-e", script], input=json.dumps(value), capture_output=True, text=True,
                         timeout=30, check=True).stdout
    got = parse_inspect(out)
    assert got.value == value and got.cuts == []
