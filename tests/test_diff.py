"""Structural diff: smart matching of messages and blocks, exact patches, safe rendering."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.text import Text

from tui.core.diff import Change, diff_payloads, patch_from_diff, render_diff
from tui.core.repair.patch import apply_patch


def text(t: str, **extra: Any) -> dict[str, Any]:
    return {"type": "text", "text": t, **extra}


def use(i: str, name: str = "get_weather", inp: Any = None) -> dict[str, Any]:
    return {"type": "tool_use", "id": i, "name": name, "input": {"city": "Paris"} if inp is None else inp}


def result(i: str, content: str = "18°C, light rain") -> dict[str, Any]:
    return {"type": "tool_result", "tool_use_id": i, "content": content}


def body(*messages: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {"model": "claude-sonnet-4-5", "max_tokens": 1024, **top, "messages": list(messages)}


def conversation() -> dict[str, Any]:
    return body(
        {"role": "user", "content": "What's the weather in Paris and in Lyon right now?"},
        {"role": "assistant", "content": [text("Let me check both cities."), use("toolu_01A"),
                                          use("toolu_01B", inp={"city": "Lyon"})]},
        {"role": "user", "content": [result("toolu_01A"), result("toolu_01B", "21°C, sunny")]},
        {"role": "assistant", "content": [text("Paris: 18°C with light rain. Lyon: 21°C and sunny.")]},
        {"role": "user", "content": "Thanks! And tomorrow?"},
    )


def canon(value: Any) -> str:
    """Strict JSON equality for assertions (``True`` is not ``1``)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def assert_patch_exact(before: Any, after: Any) -> list[dict[str, Any]]:
    snapshot = copy.deepcopy(before)
    patch = patch_from_diff(before, after)
    assert canon(apply_patch(before, patch)) == canon(after)
    assert canon(before) == canon(snapshot)  # never mutates
    return patch


def test_a_block_moved_inside_a_message_is_one_moved_change():
    before = conversation()
    before["messages"][2]["content"].insert(0, text("Here are the results you asked for, in order."))
    after = copy.deepcopy(before)
    content = after["messages"][2]["content"]
    content.insert(0, content.pop(1))  # tool_result first, as the API requires
    changes = diff_payloads(before, after)
    assert [(c.kind, c.path, c.old_path) for c in changes] == [
        ("moved", ("messages", 2, "content", 0), ("messages", 2, "content", 1)),
    ]
    assert changes[0].summary == ("moved tool_result block toolu_01A from messages.2.content.1 "
                                  "to messages.2.content.0")
    patch = assert_patch_exact(before, after)
    assert patch == [{"op": "move", "from": "/messages/2/content/1", "path": "/messages/2/content/0"}]


def test_a_message_inserted_in_the_middle_is_one_added_change():
    before = conversation()
    after = copy.deepcopy(before)
    inserted = {"role": "user", "content": [result("toolu_01Z", "timeout")]}
    after["messages"].insert(3, inserted)
    changes = diff_payloads(before, after)
    assert len(changes) == 1
    assert changes[0].kind == "added" and changes[0].path == ("messages", 3)
    assert changes[0].old_path is None and changes[0].after == inserted
    assert changes[0].summary == "added user message, 1 block at messages.3"
    assert assert_patch_exact(before, after) == [{"op": "add", "path": "/messages/3", "value": inserted}]


def test_a_removed_message_is_one_removed_change_at_its_old_path():
    before = conversation()
    after = copy.deepcopy(before)
    gone = after["messages"].pop(1)
    changes = diff_payloads(before, after)
    assert [(c.kind, c.path, c.old_path) for c in changes] == [
        ("removed", ("messages", 1), ("messages", 1))]
    assert changes[0].before == gone
    assert_patch_exact(before, after)


def test_input_parsed_from_a_string_is_changed_at_the_input_path():
    before = conversation()
    before["messages"][1]["content"][1]["input"] = '{"city": "Paris"}'
    after = conversation()
    changes = diff_payloads(before, after)
    assert [(c.kind, c.path) for c in changes] == [("changed", ("messages", 1, "content", 1, "input"))]
    assert changes[0].before == '{"city": "Paris"}' and changes[0].after == {"city": "Paris"}
    assert changes[0].summary == ('changed messages.1.content.1.input: "{\\"city\\": \\"Paris\\"}" '
                                  '→ {"city": "Paris"}')


def test_a_nested_change_is_reported_at_the_deepest_path_with_shifted_old_path():
    before = conversation()
    after = copy.deepcopy(before)
    after["messages"][1]["content"][2]["input"]["city"] = "Lyon, FR"
    after["messages"].insert(0, {"role": "user", "content": "Context: I am travelling next week."})
    after["messages"].insert(1, {"role": "assistant", "content": "Noted."})
    changes = diff_payloads(before, after)
    assert [(c.kind, c.path, c.old_path) for c in changes] == [
        ("added", ("messages", 0), None),
        ("added", ("messages", 1), None),
        ("changed", ("messages", 3, "content", 2, "input", "city"),
         ("messages", 1, "content", 2, "input", "city")),
    ]
    assert_patch_exact(before, after)


def test_a_tool_result_moved_to_another_message_is_one_moved_change():
    before = body(
        {"role": "user", "content": "Weather in Paris?"},
        {"role": "assistant", "content": [use("toolu_01A")]},
        {"role": "user", "content": [text("Also, please be brief in your answer.")]},
        {"role": "assistant", "content": [text("Sure.")]},
        {"role": "user", "content": [result("toolu_01A"), text("Any news?")]},
    )
    after = copy.deepcopy(before)
    after["messages"][2]["content"].insert(0, after["messages"][4]["content"].pop(0))
    changes = diff_payloads(before, after)
    assert [(c.kind, c.path, c.old_path) for c in changes] == [
        ("moved", ("messages", 2, "content", 0), ("messages", 4, "content", 0))]
    assert_patch_exact(before, after)


def test_merging_two_user_turns_shows_the_moved_block_and_the_removed_shell():
    before = body(
        {"role": "user", "content": [text("Here is the failing test output from CI.")]},
        {"role": "user", "content": [text("And here is the stack trace I saw locally.")]},
    )
    after = body({"role": "user", "content": [text("Here is the failing test output from CI."),
                                               text("And here is the stack trace I saw locally.")]})
    changes = diff_payloads(before, after)
    assert [(c.kind, c.path, c.old_path) for c in changes] == [
        ("moved", ("messages", 0, "content", 1), ("messages", 1, "content", 0)),
        ("removed", ("messages", 1), ("messages", 1)),
    ]
    assert "1 of its parts moved" in changes[1].summary
    assert_patch_exact(before, after)


def test_a_system_message_moved_to_top_level_system_is_reported_as_moved():
    prompt = "You are a terse weather assistant. Answer in one line."
    before = body({"role": "system", "content": prompt}, {"role": "user", "content": "Paris?"})
    after = body({"role": "user", "content": "Paris?"}, system=prompt)
    changes = diff_payloads(before, after)
    kinds = {(c.kind, c.path, c.old_path) for c in changes}
    assert ("moved", ("system",), ("messages", 0, "content")) in kinds
    assert ("removed", ("messages", 0), ("messages", 0)) in kinds
    assert not any(c.kind == "added" for c in changes)
    assert_patch_exact(before, after)


def test_unknown_fields_and_key_changes_are_exact_and_minimal():
    before = conversation() | {"x_trace": {"span": "abc"}, "temperature": 1}
    after = copy.deepcopy(before)
    after["temperature"] = True  # JSON-different although True == 1 in Python
    del after["x_trace"]
    after["metadata"] = {"user_id": "u-1"}
    changes = diff_payloads(before, after)
    assert [(c.kind, c.path) for c in changes] == [
        ("removed", ("x_trace",)), ("changed", ("temperature",)), ("added", ("metadata",))]
    patch = assert_patch_exact(before, after)
    assert sorted(op["path"] for op in patch) == ["/metadata", "/temperature", "/x_trace"]


def test_equal_payloads_have_no_changes_and_an_empty_patch():
    a = conversation()
    b = json.loads(json.dumps(a))
    b_reordered = dict(reversed(list(b.items())))  # key order is not a change
    assert diff_payloads(a, b_reordered) == []
    assert patch_from_diff(a, b_reordered) == []
    rendered = render_diff([])
    assert isinstance(rendered, Text) and rendered.plain == "no changes"


def test_non_object_roots_give_one_root_change_and_a_root_replace():
    changes = diff_payloads(None, {"model": "m"})
    assert [(c.kind, c.path) for c in changes] == [("changed", ())]
    assert patch_from_diff(None, {"model": "m"}) == [{"op": "replace", "path": "", "value": {"model": "m"}}]


def test_render_diff_shows_payload_text_literally_with_one_colour_per_kind():
    before = body({"role": "user", "content": [text("[bold red]not markup[/] and [link=x]y[/link]")]})
    after = body({"role": "user", "content": [text("[bold red]changed[/]\nsecond line")]},
                 temperature=0.2)
    changes = diff_payloads(before, after)
    rendered = render_diff(changes)
    assert isinstance(rendered, Text)
    plain = rendered.plain
    assert "~ messages.0.content.0.text" in plain
    assert '"[bold red]not markup[/] and [link=x]y[/link]"'[:40] in plain
    assert "\\nsecond line" in plain  # newlines previewed escaped, on one line
    assert "+ temperature" in plain
    assert len(plain.splitlines()) == len(changes) == 2
    styles = {str(span.style) for span in rendered.spans}
    assert {"bold yellow", "bold green"} <= styles
    console = Console(width=200, record=True, color_system=None)
    console.print(rendered)
    assert "[bold red]" in console.export_text()  # not swallowed as markup


def test_render_diff_shortens_huge_values_to_one_line():
    before = body({"role": "user", "content": [text("a" * 100_000)]})
    after = body({"role": "user", "content": [text("b" * 100_000)]})
    line = render_diff(diff_payloads(before, after)).plain
    assert "\n" not in line and len(line) < 200


def test_moved_changes_render_with_both_paths():
    before = body({"role": "user", "content": [text("first block, long enough"), result("toolu_01A")]})
    after = body({"role": "user", "content": [result("toolu_01A"), text("first block, long enough")]})
    plain = render_diff(diff_payloads(before, after)).plain
    assert plain.startswith("↪ messages.0.content.1 → messages.0.content.0")


# -- property tests -------------------------------------------------------------------------------------

_scalars = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=False),
                     st.text(max_size=4))
# Keys include "~" and "/" (pointer escaping) but no digits: tui/core/paths.from_pointer turns a
# digit token into an int, so a dict key "01" or "²" cannot be addressed (reported, not ours).
_keys = st.text(alphabet="ab_~/ é", max_size=3)
_json = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(_keys, inner, max_size=4)), max_leaves=25)


@settings(max_examples=300, deadline=None)
@given(_json, _json)
def test_patch_from_diff_turns_any_value_into_any_other(before, after):
    assert_patch_exact(before, after)
    assert (diff_payloads(before, after) == []) == (canon(before) == canon(after))


_blocks = st.one_of(
    st.builds(text, st.sampled_from(["hi", "Let me check.", "Done: 18°C.", "   "])),
    st.builds(use, st.sampled_from(["toolu_01A", "toolu_01B", "toolu_01C"])),
    st.builds(result, st.sampled_from(["toolu_01A", "toolu_01B", "toolu_01C"])),
)
_messages = st.lists(st.fixed_dictionaries({
    "role": st.sampled_from(["user", "assistant"]),
    "content": st.one_of(st.text(max_size=8), st.lists(_blocks, max_size=4)),
}), max_size=6)


@st.composite
def _edited(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """A conversation and a repaired-looking version: moves, inserts, deletes, edits."""
    msgs = draw(_messages)
    before = body(*msgs)
    after = copy.deepcopy(before)
    for _ in range(draw(st.integers(0, 4))):
        m = after["messages"]
        op = draw(st.sampled_from(["insert", "delete", "swap", "move_block", "edit"]))
        if op == "insert":
            m.insert(draw(st.integers(0, len(m))), draw(_messages.filter(bool))[0])
        elif m and op == "delete":
            m.pop(draw(st.integers(0, len(m) - 1)))
        elif len(m) > 1 and op == "swap":
            i = draw(st.integers(0, len(m) - 2))
            m[i], m[i + 1] = m[i + 1], m[i]
        elif op == "move_block":
            lists = [x["content"] for x in m if isinstance(x["content"], list) and x["content"]]
            if lists:
                src = draw(st.sampled_from(lists))
                dst = draw(st.sampled_from([x["content"] for x in m if isinstance(x["content"], list)]))
                dst.insert(draw(st.integers(0, len(dst))), src.pop(draw(st.integers(0, len(src) - 1))))
        elif m and op == "edit":
            x = m[draw(st.integers(0, len(m) - 1))]
            x["content"] = draw(st.one_of(st.text(max_size=8), st.lists(_blocks, max_size=3)))
    return before, after


@settings(max_examples=300, deadline=None)
@given(_edited())
def test_patch_from_diff_is_exact_on_edited_conversations(pair):
    before, after = pair
    assert_patch_exact(before, after)
    changes = diff_payloads(before, after)
    assert all(isinstance(c, Change) and c.summary for c in changes)
    assert (changes == []) == (canon(before) == canon(after))


def test_deeply_nested_payloads_are_diffed_without_crashing():
    deep: Any = "bottom"
    for _ in range(450):
        deep = {"k": [deep]}
    changes = diff_payloads({"model": "m", "x": deep}, {"model": "m", "x": deep, "y": 1})
    assert [(c.kind, c.path) for c in changes] == [("added", ("y",))]
    other = json.loads(json.dumps(deep).replace("bottom", "top"))
    changes = diff_payloads({"x": deep}, {"x": other})
    assert len(changes) == 1 and changes[0].kind == "changed"
    assert "\n" not in render_diff(changes).plain
    assert patch_from_diff({"x": deep}, {"x": other})  # never raises; exact when deep enough to apply


# -- what a diff shows is masked before it is cut, and always encodable (issue 14) ------------

LEAK = "sk-ant-api03-LEAKMEq8w9e0r1t2y3u4i5o6p7a8s9d0f1g2h3j4k5l6z7x8c9v0b1n2m3q4w5e6r7t8y9u0i1o2p3a4s5d6f7g8h9j0kAA"


def test_a_key_cut_by_the_preview_width_is_masked_first():
    from tui.core.diff import preview

    for prefix in ("my key is ", "short ", "x" * 40):
        shown = preview(prefix + LEAK + " and more text after it", 60)
        assert "LEAKME" not in shown and "q8w9e0r1" not in shown, shown
    assert "LEAKME" not in preview({LEAK: 1}, 60)  # a key used as an object key


def test_fix_diff_of_a_key_and_a_lone_surrogate_prints_and_leaks_nothing(capsys, tmp_path):
    import json as _json

    from tui.cli.main import main

    body = {"model": "claude-haiku-4-5", "max_tokens": 5, "messages": [
        {"role": "user", "content": "hi"}, {"role": "assistant", "content": f"key {LEAK} a \udfff b "}]}
    src = tmp_path / "r.json"
    src.write_text(_json.dumps(body))  # \udfff is written as the JSON escape
    assert main(["fix", str(src), "--diff"]) == 0
    out = capsys.readouterr().out
    out.encode("utf-8")  # no lone surrogate reaches the terminal
    assert "LEAKME" not in out and "\\udfff" in out and "messages.1.content" in out
