"""B: body shape — what the API's request schema rejects (API_RULES.md ORDER-08/09, ROLE-04, …).

This family is the reason every other family may assume well-shaped data: ``CheckContext`` skips
what is not the expected shape, and the rules here report it.  They must never raise, whatever
the log holds (``messages: "str"``, ``content: 5``, a block that is a list).

The checks are hand-written over a small table of block schemas (required keys, optional keys,
value kinds, closed or not) taken from the request param types of the official SDK
(anthropic 2.14.0, ``types/*_block_param.py`` and ``types/beta/…``); the SDK is *not* imported.
Error texts follow the pydantic style the API uses, with discriminator tags in the location
(``messages.2.content.0.tool_result.tool_use_id: Field required``).  Texts quoted in API_RULES.md
(ORDER-09, OAI-02) are reproduced exactly; the others (``Field required``, ``Input should be a
valid string`` …) are pydantic's standard messages at the location the API's tagged unions give.
Where the API's wording is not knowable (a ``str | list`` union, the request root), ``api_error``
is None.

Boundaries with other families, so that one fault gives one report:

* ``image_url`` blocks → O003; ``tool_calls`` / ``name`` / any other extra key on a message →
  O001 / O004 / O006; unknown top-level keys → O005; a role that is a string but not
  user/assistant/system → R004 (a missing or non-string role is B003's).
* ``tool_use.input`` / ``server_tool_use.input`` of the wrong type → P008; id patterns → P007/V001.
* a ``thinking`` block without ``thinking`` (T009) or with a missing / unusable ``signature``
  (T003) → the T family.
* empty content and empty text → the C family; image media types and sizes → the M family.

The whole walk runs once per request (memoised on the context) and each rule reads its share.
"""

from __future__ import annotations

import json
import re
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from tui.core.findings import Applicability, Fix, Severity, Violation
from tui.core.paths import Path
from tui.core.repair import ops
from tui.core.rules.context import CheckContext
from tui.core.rules.registry import rule

# -- schema tables -------------------------------------------------------------------------

# Value kinds: "str", "int", "bool", "dict", "list", "any", "list|dict", "str|blocks" (a
# tool_result's content: a string or a list of nested blocks), "textlist" (a list of text blocks,
# untagged), "source:image" / "source:document" (a tagged source object).  A trailing "?" means
# JSON null is accepted too (the SDK's ``Optional[...]``).

_CC = {"cache_control": "dict?"}


@dataclass(frozen=True, slots=True)
class BlockSchema:
    """One content block type: what it must have, what it may have, and whether that is all."""

    required: dict[str, str]
    optional: dict[str, str] = field(default_factory=dict)
    closed: bool = True
    """``extra="forbid"``: any other key is rejected (ORDER-09).  Open for the newer beta
    types whose schema we only know in part, so a valid block is never flagged."""

    def allowed(self) -> set[str]:
        return {"type", *self.required, *self.optional}


_SERVER_RESULT = BlockSchema({"tool_use_id": "str", "content": "dict"}, dict(_CC))

BLOCKS: dict[str, BlockSchema] = {
    "text": BlockSchema({"text": "str"}, {**_CC, "citations": "list?"}),
    "image": BlockSchema({"source": "source:image"}, {**_CC, "transformations": "dict?"}),
    "document": BlockSchema({"source": "source:document"},
                            {**_CC, "citations": "dict?", "context": "str?", "title": "str?"}),
    "search_result": BlockSchema({"content": "textlist", "source": "str", "title": "str"},
                                 {**_CC, "citations": "dict"}),
    "thinking": BlockSchema({"thinking": "str", "signature": "str"}),
    "redacted_thinking": BlockSchema({"data": "str"}),
    "tool_use": BlockSchema({"id": "str", "name": "str", "input": "dict"},
                            {**_CC, "caller": "dict", "toolset_name": "str?"}),
    "tool_result": BlockSchema({"tool_use_id": "str"},
                               {**_CC, "content": "str|blocks", "is_error": "bool",
                                "toolset_name": "str?"}),
    "server_tool_use": BlockSchema({"id": "str", "name": "str", "input": "dict"},
                                   {**_CC, "caller": "dict"}),
    "web_search_tool_result": BlockSchema({"tool_use_id": "str", "content": "list|dict"},
                                          {**_CC, "caller": "dict"}),
    "web_fetch_tool_result": BlockSchema({"tool_use_id": "str", "content": "dict"},
                                         {**_CC, "caller": "dict"}),
    "code_execution_tool_result": _SERVER_RESULT,
    "bash_code_execution_tool_result": _SERVER_RESULT,
    "text_editor_code_execution_tool_result": _SERVER_RESULT,
    "tool_search_tool_result": _SERVER_RESULT,
    "container_upload": BlockSchema({"file_id": "str"}, dict(_CC)),
    # Beta / newest types: required keys checked, extra keys not (schemas known only in part).
    "advisor_tool_result": BlockSchema({"tool_use_id": "str", "content": "any"}, dict(_CC), closed=False),
    "mcp_tool_use": BlockSchema({"id": "str", "name": "str", "input": "dict", "server_name": "str"},
                                dict(_CC), closed=False),
    "mcp_tool_result": BlockSchema({"tool_use_id": "str"},
                                   {**_CC, "content": "str|list", "is_error": "bool"}, closed=False),
    "compaction": BlockSchema({}, {**_CC, "content": "str?"}, closed=False),
    "mid_conv_system": BlockSchema({}, closed=False),
    "tool_addition": BlockSchema({"tool": "any"}, dict(_CC), closed=False),
    "tool_removal": BlockSchema({"tool": "any"}, dict(_CC), closed=False),
    "mcp_tool_listing": BlockSchema({"mcp_server_name": "str", "tools": "list"}, closed=False),
    "fallback": BlockSchema({"to": "any"}, closed=False),
}

NESTED_BLOCKS: dict[str, BlockSchema] = {
    "text": BLOCKS["text"],
    "image": BLOCKS["image"],
    "document": BLOCKS["document"],
    "search_result": BLOCKS["search_result"],
    "tool_reference": BlockSchema({"tool_name": "str"}, dict(_CC)),
    "browser_state": BlockSchema({}, closed=False),
}
"""What a ``tool_result``'s content list may hold."""

SOURCES: dict[str, dict[str, BlockSchema]] = {
    "image": {
        "base64": BlockSchema({"media_type": "str", "data": "str"}),
        "url": BlockSchema({"url": "str"}),
        "file": BlockSchema({"file_id": "str"}),
    },
    "document": {
        "base64": BlockSchema({"media_type": "str", "data": "str"}),
        "text": BlockSchema({"media_type": "str", "data": "str"}),
        "content": BlockSchema({"content": "any"}),
        "url": BlockSchema({"url": "str"}),
        "file": BlockSchema({"file_id": "str"}),
    },
}
_DOC_MEDIA_TYPE = {"base64": "application/pdf", "text": "text/plain"}

# The expected-tags list exactly as the API printed it for a message block (OAI-02, 2026-01).
TOP_TAGS_TEXT = ("'document', 'image', 'redacted_thinking', 'search_result', 'server_tool_use', "
                 "'text', 'thinking', 'tool_result', 'tool_use', 'web_search_tool_result'")
NESTED_TAGS_TEXT = "'document', 'image', 'search_result', 'text'"

_ROLES_WITH_OWN_RULES = frozenset({"tool", "function"})

_TYPE_TEXT = {
    "str": "Input should be a valid string",
    "int": "Input should be a valid integer",
    "bool": "Input should be a valid boolean",
    "dict": "Input should be a valid dictionary",
    "list": "Input should be a valid list",
    "number": "Input should be a valid number",
    "textlist": "Input should be a valid list",
}
_OBJ_TEXT = "Input should be a valid dictionary or object to extract fields from"
_TAG_MISSING_TEXT = "Unable to extract tag using discriminator 'type'"


def _kind_ok(kind: str, value: Any) -> bool:
    if kind.endswith("?"):
        if value is None:
            return True
        kind = kind[:-1]
    if kind == "any":
        return True
    if kind in ("str",):
        return isinstance(value, str)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "bool":
        return isinstance(value, bool)
    if kind in ("dict", "source:image", "source:document"):
        return isinstance(value, dict)
    if kind in ("list", "textlist"):
        return isinstance(value, list)
    if kind == "list|dict":
        return isinstance(value, (list, dict))
    if kind in ("str|blocks", "str|list"):
        return isinstance(value, (str, list))
    return True


def _type_text(kind: str) -> str | None:
    """pydantic's message for a value of the wrong kind; None for unions (wording unknown)."""
    if kind.startswith("source:"):
        return _OBJ_TEXT  # a tagged union of source objects
    return _TYPE_TEXT.get(kind.rstrip("?"))


def dotted(path: Path) -> str:
    return ".".join(str(p) for p in path)


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean",
            int: "a number", float: "a number"}.get(type(value), type(value).__name__)


# -- the walk ------------------------------------------------------------------------------


def raw_request(ctx: CheckContext) -> Any:
    """The request exactly as logged: ``ctx.request`` is ``{}`` when the log held a non-object."""
    ex_req = ctx.exchange.request if ctx.exchange is not None else None
    if ctx.request or isinstance(ex_req, dict) or ex_req is None:
        return ctx.request
    return ex_req


class _Walk:
    """One pass over the request; collects violations per rule code."""

    def __init__(self, ctx: CheckContext) -> None:
        self.ctx = ctx
        self.out: dict[str, list[Violation]] = {}

    def add(self, code: str, v: Violation) -> None:
        self.out.setdefault(code, []).append(v)

    # messages ------------------------------------------------------------------------------
    def run(self) -> dict[str, list[Violation]]:
        body = raw_request(self.ctx)
        if not isinstance(body, dict):
            return self.out
        msgs = body.get("messages")
        if isinstance(msgs, list):
            for i, m in enumerate(msgs):
                self.message(i, m)
        system = body.get("system")
        if isinstance(system, list):
            for j, item in enumerate(system):
                if isinstance(item, dict):
                    self.block(item, ("system", j), f"system.{j}", "system", system)
        return self.out

    def message(self, i: int, m: Any) -> None:
        path: Path = ("messages", i)
        if not isinstance(m, dict):
            self.add("B003", Violation(
                path, f"message {i} is {_describe(m)}, not an object",
                api_error=f"messages.{i}: Input should be a valid dictionary",
                fix=ops.unsafe(f"drop messages.{i}", ops.remove(path))))
            return
        role = m.get("role")
        if "role" not in m:
            self.add("B003", Violation(
                path, f"message {i} has no role",
                api_error=f"messages.{i}.role: Field required"))
        elif not isinstance(role, str):
            self.add("B003", Violation(
                (*path, "role"), f"message {i} has a role that is {_describe(role)}, not a string",
                api_error=f"messages.{i}.role: Input should be 'user' or 'assistant'"))
        if isinstance(role, str) and role in _ROLES_WITH_OWN_RULES:
            return  # an OpenAI tool message: the O and R families convert it whole
        content = m.get("content")
        if "content" not in m:
            if "tool_calls" not in m:  # an OpenAI assistant turn: O001 rebuilds its content
                self.add("B003", Violation(
                    path, f"message {i} has no content",
                    api_error=f"messages.{i}.content: Field required"))
            return
        if isinstance(content, list):
            for j, item in enumerate(content):
                self.block(item, (*path, "content", j), f"messages.{i}.content.{j}", "message", content)
            return
        if isinstance(content, str):
            return
        if content is None and "tool_calls" in m:
            return  # OpenAI's `content: null` beside tool_calls: O001 rebuilds the content
        fix: Fix | None = None
        if isinstance(content, dict) and isinstance(content.get("type"), str):
            fix = ops.safe("wrap the single block in a list",
                           ops.replace((*path, "content"), [content]))
        elif isinstance(content, (int, float)) and not isinstance(content, bool):
            fix = ops.safe("turn the number into a string",
                           ops.replace((*path, "content"), json.dumps(content)))
        self.add("B003", Violation(
            (*path, "content"), f"message {i} content is {_describe(content)}; it must be a string "
                                f"or a list of content blocks",
            api_error=None, fix=fix))

    # blocks --------------------------------------------------------------------------------
    def block(self, item: Any, path: Path, loc: str, where: str, parent: list[Any]) -> None:
        """Check one content block.  ``where``: message | tool_result | system | search_result."""
        tagged = where in ("message", "tool_result")
        table = BLOCKS if where == "message" else NESTED_BLOCKS if where == "tool_result" \
            else {"text": BLOCKS["text"]}
        if not isinstance(item, dict):
            self.add("B004", Violation(
                path, f"content block is {_describe(item)}, not an object",
                api_error=f"{loc}: {_OBJ_TEXT if tagged else _TYPE_TEXT['dict']}",
                fix=_non_object_fix(item, path, parent)))
            return
        btype = item.get("type")
        if "type" not in item:
            self.add("B004", Violation(
                path, "content block has no `type`",
                api_error=f"{loc}: {_TAG_MISSING_TEXT}" if tagged else f"{loc}.type: Field required",
                fix=_infer_type_fix(item, path, table)))
            return
        if not isinstance(btype, str) or btype not in table:
            self.unknown_type(item, btype, path, loc, where, tagged)
            return
        schema = table[btype]
        prefix = f"{loc}.{btype}" if tagged else loc
        self.fields(item, btype, schema, path, prefix)
        if btype == "tool_result" and where == "message" and isinstance(item.get("content"), list):
            inner = item["content"]
            for k, sub in enumerate(inner):
                self.block(sub, (*path, "content", k), f"{prefix}.content.{k}", "tool_result", inner)
        if btype == "search_result" and isinstance(item.get("content"), list):
            inner = item["content"]
            for k, sub in enumerate(inner):
                self.block(sub, (*path, "content", k), f"{prefix}.content.{k}", "search_result", inner)
        if btype in SOURCES and isinstance(item.get("source"), dict):
            self.source(item["source"], btype, (*path, "source"), f"{prefix}.source")

    def unknown_type(self, item: dict[str, Any], btype: Any, path: Path, loc: str, where: str,
                     tagged: bool) -> None:
        if btype == "image_url":
            return  # O003 converts OpenAI image_url blocks
        shown = btype if isinstance(btype, str) else json.dumps(btype)
        if tagged:
            tags = TOP_TAGS_TEXT if where == "message" else NESTED_TAGS_TEXT
            api = (f"{loc}: Input tag '{shown}' found using 'type' does not match any of the "
                   f"expected tags: {tags}")
        else:
            api = f"{loc}.type: Input should be 'text'"
        plausible = (where == "message" and isinstance(btype, str)
                     and re.fullmatch(r"[a-z][a-z0-9_]*_tool_(result|use)", btype) is not None)
        if plausible:
            self.add("B004", Violation(
                path, f"block type {btype!r} is not one this checker knows; it looks like a newer "
                      f"server tool block, which the API may accept (with the right beta header)",
                api_error=api, severity=Severity.WARNING))
            return
        self.add("B004", Violation(
            path, f"unknown content block type {shown!r}", api_error=api,
            fix=_unknown_type_fix(item, path)))

    def fields(self, item: dict[str, Any], btype: str, schema: BlockSchema, path: Path,
               prefix: str) -> None:
        for key, kind in schema.required.items():
            if key not in item:
                if btype == "thinking":
                    continue  # T003 (no signature) / T011 (no thinking text) report these
                fix = None
                if key == "input" and btype in ("tool_use", "server_tool_use"):
                    fix = ops.unsafe("add an empty input object", ops.add((*path, "input"), {}))
                self.add("B005", Violation(
                    (*path, key), f"{btype} block has no `{key}`",
                    api_error=f"{prefix}.{key}: Field required", fix=fix))
            else:
                self.value(item, key, kind, btype, path, prefix)
        for key, kind in schema.optional.items():
            if key in item:
                self.value(item, key, kind, btype, path, prefix)
        if schema.closed:
            allowed = schema.allowed()
            for key in item:
                if key not in allowed:
                    self.add("B007", Violation(
                        (*path, key), f"{btype} block has a key {key!r} the API does not accept",
                        api_error=f"{prefix}.{key}: Extra inputs are not permitted",
                        fix=ops.safe(f"delete the {key!r} key", ops.remove((*path, key)))))

    def value(self, item: dict[str, Any], key: str, kind: str, btype: str, path: Path,
              prefix: str) -> None:
        value = item[key]
        if key == "input" and btype in ("tool_use", "server_tool_use"):
            return  # P008
        if key == "signature" and btype == "thinking":
            return  # T003 reports any signature that is not a non-empty string
        if _kind_ok(kind, value):
            return
        self.add("B006", Violation(
            (*path, key), f"{btype}.{key} is {_describe(value)}",
            api_error=f"{prefix}.{key}: {t}" if (t := _type_text(kind)) else None,
            fix=_value_fix(key, kind, value, (*path, key))))

    def source(self, src: dict[str, Any], owner: str, path: Path, loc: str) -> None:
        table = SOURCES[owner]
        stype = src.get("type")
        tags = ", ".join(f"'{t}'" for t in sorted(table))
        if "type" not in src:
            self.add("B006", Violation(path, f"{owner} source has no `type`",
                                       api_error=f"{loc}: {_TAG_MISSING_TEXT}"))
            return
        if not isinstance(stype, str) or stype not in table:
            shown = stype if isinstance(stype, str) else json.dumps(stype)
            self.add("B006", Violation(
                (*path, "type"), f"{owner} source type {shown!r} is not one of {tags}",
                api_error=f"{loc}: Input tag '{shown}' found using 'type' does not match any of "
                          f"the expected tags: {tags}"))
            return
        self.fields(src, f"{owner} source", table[stype], path, f"{loc}.{stype}")
        want = _DOC_MEDIA_TYPE.get(stype) if owner == "document" else None
        mt = src.get("media_type")
        if want and isinstance(mt, str) and mt != want:
            data = src.get("data")
            fix = None
            if stype == "base64" and isinstance(data, str) and data.startswith("JVBER"):
                fix = ops.safe(f"set media_type to {want} (the data is a PDF)",
                               ops.replace((*path, "media_type"), want))
            elif stype == "text":
                fix = ops.safe(f"set media_type to {want}", ops.replace((*path, "media_type"), want))
            self.add("B006", Violation(
                (*path, "media_type"), f"a {stype} document source must have media_type {want}, not {mt!r}",
                api_error=f"{loc}.{stype}.media_type: Input should be '{want}'", fix=fix))


# -- fixes ---------------------------------------------------------------------------------


def _non_object_fix(item: Any, path: Path, parent: list[Any]) -> Fix | None:
    if isinstance(item, str):
        if item.strip():
            return ops.safe("turn the string into a text block", ops.replace(path, {"type": "text", "text": item}))
        return ops.safe("drop the empty string", ops.remove(path))
    index = path[-1]
    if isinstance(item, list) and item and all(isinstance(x, dict) for x in item) and isinstance(index, int):
        flat = [*parent[:index], *item, *parent[index + 1:]]
        return ops.safe("splice the nested list of blocks into the content", ops.replace(path[:-1], flat))
    return ops.unsafe(f"drop the {_describe(item)}", ops.remove(path))


def _infer_type_fix(item: dict[str, Any], path: Path, table: dict[str, BlockSchema]) -> Fix:
    keys = set(item)
    guess: str | None = None
    if isinstance(item.get("text"), str) and keys <= BLOCKS["text"].allowed():
        guess = "text"
    elif "tool_use_id" in keys and keys <= BLOCKS["tool_result"].allowed():
        guess = "tool_result"
    elif {"id", "name", "input"} <= keys and keys <= BLOCKS["tool_use"].allowed():
        guess = "tool_use"
    elif isinstance(item.get("source"), dict) and keys <= BLOCKS["image"].allowed():
        mt = item["source"].get("media_type")
        guess = "image" if isinstance(mt, str) and mt.startswith("image/") else \
            "document" if mt in ("application/pdf", "text/plain") else None
    if guess is not None and guess in table:
        return ops.safe(f"add \"type\": \"{guess}\" (its keys are those of a {guess} block)",
                        ops.add((*path, "type"), guess))
    return ops.unsafe("drop the block without a type", ops.remove(path))


def _unknown_type_fix(item: dict[str, Any], path: Path) -> Fix:
    text = item.get("text")
    if isinstance(text, str) and text:
        new: dict[str, Any] = {"type": "text", "text": text}
        if isinstance(item.get("cache_control"), dict):
            new["cache_control"] = item["cache_control"]
        extra = set(item) - {"type", "text", "cache_control"}
        if item.get("annotations") in ([], None):
            extra.discard("annotations")
        if item.get("type") in ("input_text", "output_text") and not extra:
            return ops.safe(f"rename the {item['type']} block to a text block", ops.replace(path, new))
        return ops.unsafe("replace the block with a text block holding its text", ops.replace(path, new))
    return ops.unsafe("drop the block of unknown type", ops.remove(path))


def _value_fix(key: str, kind: str, value: Any, path: Path) -> Fix | None:
    base = kind.rstrip("?")
    if key == "cache_control":
        if value == "ephemeral" or value is True:
            return ops.safe('write cache_control as {"type": "ephemeral"}',
                            ops.replace(path, {"type": "ephemeral"}))
        return ops.unsafe("drop the malformed cache_control", ops.remove(path))
    if base == "str" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return ops.safe("turn the number into a string", ops.replace(path, json.dumps(value)))
    if base == "bool" and value in ("true", "false"):
        return ops.safe(f"turn the string {value!r} into a boolean", ops.replace(path, value == "true"))
    if base in ("str|blocks", "str|list"):
        if isinstance(value, dict) and isinstance(value.get("type"), str):
            return ops.safe("wrap the single block in a list", ops.replace(path, [value]))
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return ops.safe("turn the number into a string", ops.replace(path, json.dumps(value)))
    if base in ("list", "textlist") and isinstance(value, dict):
        return ops.safe("wrap the single object in a list", ops.replace(path, [value]))
    return None


# -- memo ----------------------------------------------------------------------------------

_MEMO: weakref.WeakKeyDictionary[CheckContext, dict[str, list[Violation]]] = weakref.WeakKeyDictionary()


def _issues(ctx: CheckContext, code: str) -> Iterator[Violation]:
    got = _MEMO.get(ctx)
    if got is None:
        got = _Walk(ctx).run()
        _MEMO[ctx] = got
    return iter(got.get(code, ()))


# -- top level -----------------------------------------------------------------------------

TOP_LEVEL_KINDS: dict[str, str] = {
    "model": "str",
    "max_tokens": "int",
    "messages": "list",
    "system": "str|list",
    "tools": "list",
    "tool_choice": "dict",
    "thinking": "dict",
    "metadata": "dict",
    "stop_sequences": "list",
    "stream": "bool",
    "temperature": "number",
    "top_p": "number",
    "top_k": "int",
    "service_tier": "str",
    "output_config": "dict",
    "mcp_servers": "list",
    "cache_control": "dict",
}
REQUIRED_TOP = ("model", "max_tokens", "messages")
_TAGGED_TOP = frozenset({"tool_choice", "thinking"})  # tagged unions: non-objects get _OBJ_TEXT
_NUMERIC_STR = re.compile(r"^\s*-?\d+(\.\d+)?\s*$")


def _top_type_violation(key: str, kind: str, value: Any) -> Violation:
    """B001 for one top-level key, with the fix a user would make by hand when it is certain."""
    path: Path = (key,)
    api = f"{key}: {_OBJ_TEXT}" if key in _TAGGED_TOP else (
        f"{key}: {t}" if (t := _type_text(kind)) else None)
    msg = f"`{key}` is {_describe(value)}"
    fix: Fix | None = None
    severity: Severity | None = None
    if kind == "int" and not isinstance(value, bool):
        if isinstance(value, float) and value.is_integer():
            fix, severity = ops.safe(f"write {key} as the integer {int(value)}",
                                     ops.replace(path, int(value))), Severity.WARNING
            msg += " with no fractional part: lax validators accept it, strict ones do not"
        elif isinstance(value, float):
            api = f"{key}: Input should be a valid integer, got a number with a fractional part"
        elif isinstance(value, str) and _NUMERIC_STR.match(value) and float(value).is_integer():
            fix, severity = ops.safe(f"write {key} as the integer {int(float(value))}",
                                     ops.replace(path, int(float(value)))), Severity.WARNING
            msg += " holding a number: lax validators accept it, strict ones (and many gateways) do not"
        elif isinstance(value, str):
            api = f"{key}: Input should be a valid integer, unable to parse string as an integer"
    elif kind == "number" and isinstance(value, str) and _NUMERIC_STR.match(value):
        fix, severity = ops.safe(f"write {key} as the number {float(value)}",
                                 ops.replace(path, float(value))), Severity.WARNING
        msg += " holding a number: lax validators accept it, strict ones do not"
    elif kind == "number" and isinstance(value, str):
        api = f"{key}: Input should be a valid number, unable to parse string as a number"
    elif kind == "bool" and value in ("true", "false"):
        fix, severity = ops.safe(f"write {key} as a boolean", ops.replace(path, value == "true")), \
            Severity.WARNING
        msg += ": lax validators accept it, strict ones do not"
    elif key == "messages" and isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = None
        if isinstance(parsed, list):
            fix = ops.safe("parse the JSON-encoded message list", ops.replace(path, parsed))
            msg += " holding JSON-encoded messages (encoded twice)"
    elif key == "messages" and isinstance(value, dict) and "role" in value:
        fix = ops.safe("wrap the single message in a list", ops.replace(path, [value]))
    elif key in ("tools", "mcp_servers") and isinstance(value, dict):
        fix = ops.safe(f"wrap the single {key[:-1]} in a list", ops.replace(path, [value]))
    elif key == "system" and isinstance(value, dict) and value.get("type") == "text":
        fix = ops.safe("wrap the single text block in a list", ops.replace(path, [value]))
    elif key == "stop_sequences" and isinstance(value, str):
        fix = ops.safe("wrap the stop sequence in a list", ops.replace(path, [value]))
    elif key == "tool_choice" and value in ("auto", "any", "none", "required"):
        new = "any" if value == "required" else value
        fix = ops.safe(f'write tool_choice as {{"type": "{new}"}}', ops.replace(path, {"type": new}))
        if value == "required":
            msg += ' (OpenAI style; "required" is "any" here)'
    return Violation(path, msg + f"; it must be {_KIND_WORDS.get(kind, kind)}",
                     api_error=None if severity else api, fix=fix, severity=severity)


_KIND_WORDS = {"str": "a string", "int": "an integer", "list": "a list", "dict": "an object",
               "bool": "a boolean", "number": "a number", "str|list": "a string or a list of text blocks"}


# -- rules ---------------------------------------------------------------------------------


@rule("B001", "wrong-top-level-type", Severity.ERROR, fix=Applicability.SAFE)
def wrong_top_level_type(ctx: CheckContext) -> Iterator[Violation]:
    """The request is not an object, or a top-level field has the wrong type.

    ## What it does
    Checks that the body is a JSON object and that `model`, `max_tokens`, `messages`, `system`,
    `tools`, `tool_choice`, `thinking`, `metadata`, `stop_sequences`, `stream`, `temperature`,
    `top_p`, `top_k` (and a few newer keys) have the types the API's schema declares; also that
    `system` list items and `stop_sequences` items are objects / strings.  `null` for an optional
    key is not reported (clients commonly send it; the API's handling is not documented).

    ## Why is this bad?
    The request schema rejects it before anything else is looked at, with pydantic texts such as
    ``messages: Input should be a valid list`` or ``max_tokens: Input should be a valid integer``.
    A number sent as a string (`"max_tokens": "1024"`) or a whole float (`1024.0`) passes a lax
    validator but not a strict one: that case is a *warning*, since which one a given endpoint or
    gateway uses is not documented.  For `system` (a string *or* a list) the API's exact
    wording is not known, and none is given.

    ## Example
    ```json
    {"model": "claude-sonnet-4-5", "max_tokens": "1024", "messages": "[{\\"role\\": \\"user\\", ...}]"}
    ```

    ## Fix
    *Safe* where the intent is certain: numeric strings and whole floats become numbers,
    `"true"`/`"false"` become booleans, a JSON-encoded `messages` string is parsed, a single
    message / tool / system block / stop sequence is wrapped in a list, and `tool_choice: "auto"`
    becomes `{"type": "auto"}` (OpenAI's `"required"` becomes `"any"`).  Otherwise no automatic
    repair: the right value cannot be guessed.
    """
    body = raw_request(ctx)
    if not isinstance(body, dict):
        fix = None
        if isinstance(body, str):
            try:
                parsed = json.loads(body)
            except ValueError:
                parsed = None
            if isinstance(parsed, dict):
                fix = ops.safe("parse the JSON-encoded request body", ops.replace((), parsed))
        yield Violation((), f"the request body is {_describe(body)}, not a JSON object",
                        api_error=None, fix=fix)
        return
    for key, kind in TOP_LEVEL_KINDS.items():
        if key not in body:
            continue
        value = body[key]
        if value is None and key not in REQUIRED_TOP:
            continue
        if not _kind_ok(kind, value):
            yield _top_type_violation(key, kind, value)
    system = body.get("system")
    if isinstance(system, list):
        for j, item in enumerate(system):
            if isinstance(item, str):
                fix = ops.safe("turn the string into a text block",
                               ops.replace(("system", j), {"type": "text", "text": item})) if item.strip() \
                    else ops.safe("drop the empty string", ops.remove(("system", j)))
                yield Violation(("system", j), f"system.{j} is a string inside the system block list",
                                api_error=f"system.{j}: Input should be a valid dictionary", fix=fix)
            elif not isinstance(item, dict):
                yield Violation(("system", j), f"system.{j} is {_describe(item)}, not a text block",
                                api_error=f"system.{j}: Input should be a valid dictionary",
                                fix=ops.unsafe(f"drop system.{j}", ops.remove(("system", j))))
    stops = body.get("stop_sequences")
    if isinstance(stops, list):
        for j, item in enumerate(stops):
            if not isinstance(item, str):
                fix = ops.safe("turn the number into a string", ops.replace(("stop_sequences", j), str(item))) \
                    if isinstance(item, (int, float)) and not isinstance(item, bool) \
                    else ops.unsafe(f"drop stop_sequences.{j}", ops.remove(("stop_sequences", j)))
                yield Violation(("stop_sequences", j), f"stop_sequences.{j} is {_describe(item)}",
                                api_error=f"stop_sequences.{j}: Input should be a valid string", fix=fix)
    tools = body.get("tools")
    if isinstance(tools, list):
        for j, item in enumerate(tools):
            if not isinstance(item, dict):
                yield Violation(("tools", j), f"tools.{j} is {_describe(item)}, not a tool definition",
                                api_error=f"tools.{j}: Input should be a valid dictionary",
                                fix=ops.unsafe(f"drop tools.{j}", ops.remove(("tools", j))))


def _is_count_tokens(ctx: CheckContext) -> bool:
    """True when the log says this body went to ``/v1/messages/count_tokens`` (no max_tokens there)."""
    ex = ctx.exchange
    if ex is None:
        return False
    if "count_tokens" in (ex.format or ""):
        return True
    for key in ("url", "endpoint", "path", "request_path", "method_path"):
        v = ex.extra.get(key) if isinstance(ex.extra, dict) else None
        if isinstance(v, str) and "count_tokens" in v:
            return True
    return False


@rule("B002", "missing-required-field", Severity.ERROR, fix=Applicability.UNSAFE)
def missing_required_field(ctx: CheckContext) -> Iterator[Violation]:
    """A required top-level field (`model`, `max_tokens`, `messages`) is missing.

    ## What it does
    Checks for the three keys the Messages API requires.  A Bedrock / Vertex body (it has
    `anthropic_version`) carries the model in the URL, so `model` is not required there; a body
    logged as a `count_tokens` call needs no `max_tokens`; a log that kept only the conversation
    (a bare messages array, a Claude Code transcript) is not blamed for the top level it lacks.

    ## Why is this bad?
    The API rejects it: ``max_tokens: Field required`` (likewise `model`, `messages`).  OpenAI
    clients that send `max_completion_tokens` instead get this error (O005 reports that key).

    ## Example
    ```json
    {"model": "claude-sonnet-4-5", "messages": [{"role": "user", "content": "hi"}]}
    ```

    ## Fix
    `max_tokens`: *unsafe* — add `max_tokens: 4096` (a value is invented; the output cap changes
    cost and truncation).  `model` and `messages` cannot be guessed: no automatic repair.
    """
    body = raw_request(ctx)
    if not isinstance(body, dict):
        return
    partial = ctx.partial
    for key in REQUIRED_TOP:
        if key in body:
            continue
        if partial and key in ("model", "max_tokens"):
            continue  # the log kept only the conversation (a transcript, a messages array)
        if key == "model" and "anthropic_version" in body:
            continue
        if key == "max_tokens" and _is_count_tokens(ctx):
            continue
        fix = None
        if key == "max_tokens":
            if "max_completion_tokens" in body:
                continue  # O005 converts max_completion_tokens → max_tokens
            fix = ops.unsafe("add max_tokens: 4096", ops.add(("max_tokens",), 4096))
        yield Violation((key,), f"the request has no `{key}`", api_error=f"{key}: Field required", fix=fix)


@rule("B003", "invalid-message", Severity.ERROR, fix=Applicability.UNSAFE)
def invalid_message(ctx: CheckContext) -> Iterator[Violation]:
    """A message is not an object, or has no `role`, no `content`, or content of the wrong type.

    ## What it does
    Checks every item of `messages`: it must be an object with a `role` and a `content` that is
    a string or a list of blocks.  (A role that is a string but not `user`/`assistant` is R004's;
    OpenAI `role: "tool"` messages and `tool_calls` turns are the O family's.)

    ## Why is this bad?
    The schema rejects it: ``messages.0: Input should be a valid dictionary``,
    ``messages.0.content: Field required``, ``messages.0.role: Field required``.  Logs hold such
    shapes when a client serialises its own message objects, or stores `content: null` for a
    tool-calling turn.  For content that is neither string nor list the API's wording (a union
    error) is not known.

    ## Example
    ```json
    {"messages": ["hello", {"role": "user"}, {"role": "user", "content": 5}]}
    ```

    ## Fix
    A single block given as `content` is wrapped in a list and a number becomes a string
    (*safe*).  A message that is not an object is dropped (*unsafe*).  A missing role or content
    cannot be guessed: no automatic repair.
    """
    return _issues(ctx, "B003")


@rule("B004", "unknown-block-type", Severity.ERROR, references=("OAI-02",), fix=Applicability.UNSAFE)
def unknown_block_type(ctx: CheckContext) -> Iterator[Violation]:
    """A content block is not an object, has no `type`, or has a type the API does not know.

    ## What it does
    Checks the `type` of every block in `messages`, in `tool_result` content, in
    `search_result` content and in a `system` block list against the known block types
    (text, image, document, search_result, thinking, redacted_thinking, tool_use, tool_result,
    server_tool_use, container_upload and the server tool results: web_search / web_fetch /
    code_execution / bash_code_execution / text_editor_code_execution / tool_search / advisor,
    plus the beta mcp_tool_use, mcp_tool_result, compaction, mid_conv_system …).  An unknown type
    that looks like a newer server tool block (`*_tool_result`, `*_tool_use`) is a *warning*: it
    may be valid with a beta header.  `image_url` is left to O003.

    ## Why is this bad?
    The block union is tagged by `type`; the API answers ``messages.0.content.2: Input tag
    'input_text' found using 'type' does not match any of the expected tags: 'document',
    'image', 'redacted_thinking', 'search_result', 'server_tool_use', 'text', 'thinking',
    'tool_result', 'tool_use', 'web_search_tool_result'`` (the tag list as printed in 2026-01;
    newer API versions may list more).  A block without `type` gives ``Unable to extract tag
    using discriminator 'type'`` and a non-object ``Input should be a valid dictionary or object
    to extract fields from``.

    ## Example
    ```json
    {"role": "user", "content": [{"type": "input_text", "text": "hi"}, "and this", {"text": "x"}]}
    ```

    ## Fix
    *Safe*: a bare string becomes a text block; a nested list of blocks is spliced in; a block
    without `type` whose keys are exactly those of one block type gets that type; OpenAI
    `input_text`/`output_text` become `text`.  Otherwise *unsafe*: a block with a `text` string
    becomes a text block (other keys dropped), anything else is dropped.  Plausible newer server
    tool blocks get no fix.
    """
    return _issues(ctx, "B004")


@rule("B005", "block-missing-field", Severity.ERROR, fix=Applicability.UNSAFE)
def block_missing_field(ctx: CheckContext) -> Iterator[Violation]:
    """A content block (or its `source`) lacks a required field.

    ## What it does
    Uses the block schema table: text needs `text`; image and document need `source` (and the
    source its own fields: `media_type` + `data` for base64, `url`, `file_id`); tool_use and
    server_tool_use need `id`, `name`, `input`; tool_result and the server tool results need
    `tool_use_id`; search_result needs `content`, `source`, `title` …  A thinking block without
    `signature` or `thinking` is left to the T family.

    ## Why is this bad?
    The API rejects it: ``messages.2.content.0.tool_result.tool_use_id: Field required``.  Lossy
    serialisers (dropping an empty `input`, a `tool_use_id` renamed to `tool_call_id`) are the
    usual cause.

    ## Example
    ```json
    {"type": "tool_result", "tool_call_id": "toolu_01", "content": "ok"}
    ```

    ## Fix
    A `tool_use` without `input` gets `input: {}` (*unsafe*: the call's arguments are lost and
    `{}` is assumed).  Other missing fields cannot be recovered: no automatic repair.
    """
    return _issues(ctx, "B005")


@rule("B006", "block-field-type", Severity.ERROR, fix=Applicability.SAFE)
def block_field_type(ctx: CheckContext) -> Iterator[Violation]:
    """A content block field has the wrong type (or a source has an unknown type).

    ## What it does
    Checks each known field's type: `text.text` a string, `tool_result.content` a string or a
    list, `is_error` a boolean, `cache_control` an object, a source's `type` one of the known
    tags, a PDF source's `media_type` `application/pdf` …  `tool_use.input` is P008's.

    ## Why is this bad?
    The API rejects it, e.g. ``messages.2.content.0.tool_result.content.0.text.text: Input
    should be a valid string``.  A `tool_result.content` that is an object (one block, not a
    list) or a number is a frequent serialiser slip.

    ## Example
    ```json
    {"type": "tool_result", "tool_use_id": "toolu_01", "content": 42, "is_error": "false"}
    ```

    ## Fix
    *Safe* when nothing is lost: a number becomes its string, `"true"`/`"false"` a boolean, a
    single block is wrapped in a list, `cache_control: "ephemeral"` becomes
    `{"type": "ephemeral"}`, a PDF's media type is set to `application/pdf` when the data is a
    PDF.  A malformed `cache_control` is dropped (*unsafe*: caching changes).  Otherwise no
    automatic repair.
    """
    return _issues(ctx, "B006")


@rule("B007", "extra-block-keys", Severity.ERROR, references=("ORDER-09",), fix=Applicability.SAFE)
def extra_block_keys(ctx: CheckContext) -> Iterator[Violation]:
    """A content block has a key its schema does not allow.

    ## What it does
    Block schemas are closed (`extra="forbid"`): every key that is not in the block type's
    schema is reported (`citations` and `cache_control` are valid on most blocks).  The newer
    beta block types, whose schemas are known only in part, are not checked for extra keys.

    ## Why is this bad?
    The API rejects it: ``messages.65.content.1.tool_use.text: Extra inputs are not permitted``.
    The typical case is a response-only or streaming field leaked into history, such as `index`
    on a `tool_use` (``messages.1.content.1.tool_use.index: Extra inputs are not permitted``),
    or a framework's own bookkeeping (`id` on a text block).

    ## Example
    ```json
    {"type": "tool_use", "id": "toolu_01", "name": "ls", "input": {}, "index": 1}
    ```

    ## Fix
    *Safe*: delete the unknown key.  The API never reads it, so nothing it would see is lost.
    """
    return _issues(ctx, "B007")
