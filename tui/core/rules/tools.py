"""D: tool definitions and tool_choice (API_RULES.md §6, TOOL-01 … TOOL-05).

*Custom* tools are the ones without a ``type`` (or with ``type: "custom"``): they carry
``name``, ``description`` and ``input_schema``, and the API's error paths tag them
(``tools.7.custom.name``).  Server and client-defined Anthropic tools (``web_search_20250305``,
``bash_20250124``, ``text_editor_…``) have fixed names and no ``input_schema``; only the
uniqueness of names (D002) applies to them.

Renaming a tool is done everywhere at once: the definition, every ``tool_use.name`` in the
history and ``tool_choice.name``, so the conversation keeps referring to the same tool.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tui.core.findings import Applicability, Fix, Severity, Violation
from tui.core.paths import Path
from tui.core.repair import ops
from tui.core.rules.context import CheckContext
from tui.core.rules.registry import rule
from tui.core.schemas import SCHEMA_NODE_LIMIT, schema_problem, too_large

NAME_RE = re.compile(r"^[a-zA-Z0-9_-]{1,128}$")
COMPAT_NAME_LEN = 64
"""Bedrock, Vertex and gateways validated against ``{1,64}`` (reports up to 2025-05)."""

TOOL03_TEXT = ("JSON schema is invalid. It must match JSON Schema draft 2020-12 "
               "(https://json-schema.org/draft/2020-12). Learn more about tool use at "
               "https://docs.claude.com/en/docs/tool-use.")

_CHOICE_TYPES = ("auto", "any", "tool", "none")


def is_custom(tool: dict[str, Any]) -> bool:
    """A user-defined tool (no ``type``, or ``type: "custom"``); server tools have a dated type."""
    return tool.get("type") in (None, "custom")


def _sanitize(name: str) -> str:
    return re.sub(r"[^a-zA-Z0-9_-]", "_", name)[:COMPAT_NAME_LEN] or "tool"


def _unique(base: str, taken: set[str]) -> str:
    """``base`` or ``base_2``, ``base_3`` … (kept within 64 characters) not in ``taken``."""
    if base not in taken:
        return base
    n = 2
    while True:
        suffix = f"_{n}"
        cand = base[:COMPAT_NAME_LEN - len(suffix)] + suffix
        if cand not in taken:
            return cand
        n += 1


def _all_names(ctx: CheckContext) -> set[str]:
    """Every tool name in use: definitions and calls in the history."""
    names = {t["name"] for _, t in ctx.tools if isinstance(t.get("name"), str)}
    names |= {b.block["name"] for _, b in ctx.all_blocks()
              if b.type == "tool_use" and isinstance(b.block.get("name"), str)}
    return names


def _history_uses(ctx: CheckContext, name: str) -> list[Path]:
    return [b.path for _, b in ctx.all_blocks()
            if b.type == "tool_use" and b.block.get("name") == name and b.index is not None]


def _choice_names(ctx: CheckContext, name: str) -> bool:
    choice = ctx.request.get("tool_choice")
    return isinstance(choice, dict) and choice.get("type") == "tool" and choice.get("name") == name


def rename_ops(ctx: CheckContext, index: int, old: str, new: str) -> list[ops.Op]:
    """Rename tool ``index`` from ``old`` to ``new`` in its definition, the history and tool_choice."""
    out = [ops.replace(("tools", index, "name"), new)]
    out += [ops.replace((*p, "name"), new) for p in _history_uses(ctx, old)]
    if _choice_names(ctx, old):
        out.append(ops.replace(("tool_choice", "name"), new))
    return out


# -- rules ---------------------------------------------------------------------------------

@rule("D001", "invalid-tool-name", Severity.ERROR, references=("TOOL-01",),
      fix=Applicability.SAFE)
def invalid_tool_name(ctx: CheckContext) -> Iterator[Violation]:
    """A custom tool's name does not match `^[a-zA-Z0-9_-]{1,128}$` (or is over 64 characters).

    ## What it does
    Checks the `name` of every custom tool.  A name the first-party API refuses (a space, `.`,
    `/`, `:`, `{}`, empty, over 128 characters) is an error.  A valid name of 65–128
    characters is a warning: Bedrock, Vertex and older gateways still validate `{1,64}`.

    ## Why is this bad?
    MCP bridges build names like `github.create_issue` or `server/tool`, and long prefixes
    push names past 64 characters.  The API answers
    ``tools.7.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'`` (before
    mid-2025, and still on some gateways, with `{1,64}`).

    ## Example
    `{"name": "github.create_issue", "description": "…", "input_schema": {"type": "object"}}`

    ## Fix
    *Safe*: replace every character outside `[a-zA-Z0-9_-]` with `_` and cut the name to 64
    characters (a suffix keeps it unique), and rename it the same way in every
    `tool_use.name` of the history and in `tool_choice.name`.  Nothing is dropped: the calls
    in the history keep pointing at the same tool.  (The application that executes tool calls
    must map the new name back: say so when you adopt the fix.)
    """
    taken = _all_names(ctx)
    for i, t in ctx.tools:
        name = t.get("name")
        if not is_custom(t) or not isinstance(name, str):
            continue
        if NAME_RE.match(name):
            if len(name) <= COMPAT_NAME_LEN:
                continue
            new = _unique(name[:COMPAT_NAME_LEN], taken - {name})
            yield Violation(
                ("tools", i, "name"),
                f"tool name is {len(name)} characters: the first-party API accepts up to 128, but "
                f"Bedrock, Vertex and older gateways reject more than 64 (`tools.{i}.custom.name: "
                f"String should match pattern '^[a-zA-Z0-9_-]{{1,64}}$'`)",
                severity=Severity.WARNING,
                fix=ops.safe(f"shorten the tool name to {new!r} everywhere", *rename_ops(ctx, i, name, new)),
            )
            continue
        new = _unique(_sanitize(name), taken - {name})
        yield Violation(
            ("tools", i, "name"),
            f"tool name {name!r} does not match ^[a-zA-Z0-9_-]{{1,128}}$",
            api_error=f"tools.{i}.custom.name: String should match pattern '^[a-zA-Z0-9_-]{{1,128}}$'",
            related=tuple((*p, "name") for p in _history_uses(ctx, name)),
            fix=ops.safe(f"rename the tool {name!r} to {new!r} everywhere", *rename_ops(ctx, i, name, new)),
        )


@rule("D002", "duplicate-tool-name", Severity.ERROR, references=("TOOL-02",),
      fix=Applicability.UNSAFE)
def duplicate_tool_name(ctx: CheckContext) -> Iterator[Violation]:
    """Two tools have the same name.

    ## What it does
    Reports every tool whose `name` an earlier tool already uses (custom and server tools
    alike: a built-in `web_search` collides with an MCP `web_search`).

    ## Why is this bad?
    Colliding MCP servers and re-registered tools produce it; the API answers
    ``tools: Tool names must be unique.``

    ## Example
    `[{"name": "read_file", …}, {"name": "read_file", …}]`

    ## Fix
    * An exact copy of the earlier definition: *safe*, remove it.
    * Otherwise rename one of the two with a `_2` suffix (the custom one; a server tool's name
      is fixed).  *Safe* when nothing in the history or in `tool_choice` calls that name;
      *unsafe* when something does, because which of the two tools those calls meant cannot
      be known (they keep the old name, i.e. the tool that keeps it).
    * Two server tools with the same name: *unsafe*, remove the later one.
    """
    first: dict[str, int] = {}
    taken = _all_names(ctx)
    for i, t in ctx.tools:
        name = t.get("name")
        if not isinstance(name, str):
            continue
        if name not in first:
            first[name] = i
            continue
        j = first[name]
        earlier = ctx.request["tools"][j]
        if t == earlier:
            fix: Fix = ops.safe(f"remove tool {i}, an exact copy of tool {j}", ops.remove(("tools", i)))
        else:
            target = i if is_custom(t) else (j if is_custom(earlier) else None)
            if target is None:
                fix = ops.unsafe(f"remove the later server tool {name!r} (tool {i})", ops.remove(("tools", i)))
            else:
                new = _unique(name, taken)  # name is taken: this gives name_2, name_3 …
                title = f"rename tool {target} from {name!r} to {new!r}"
                rename = ops.replace(("tools", target, "name"), new)
                if _history_uses(ctx, name) or _choice_names(ctx, name):
                    fix = ops.unsafe(title + " (calls in the history keep the other tool)", rename)
                else:
                    fix = ops.safe(title, rename)
        yield Violation(
            ("tools", i, "name"),
            f"tool name {name!r} is already used by tool {j}",
            api_error="tools: Tool names must be unique.",
            related=(("tools", j, "name"),),
            fix=fix,
        )


def _schema_problem(schema: Any) -> tuple[tuple[str | int, ...], str] | None:
    """The most relevant draft 2020-12 meta-schema violation in ``schema``, or None (cached)."""
    return schema_problem(schema)


TYPE_ALIASES = {"int": "integer", "integer32": "integer", "long": "integer", "str": "string",
                "bool": "boolean", "float": "number", "double": "number", "dict": "object",
                "map": "object", "list": "array", "tuple": "array", "None": "null", "none": "null"}


def _schema_fix(base: Path, schema: dict[str, Any], where: tuple[str | int, ...]) -> Fix | None:
    """A repair for the meta-schema fault at ``where`` (see D003's docs for what is safe)."""
    if not where:
        return None
    parent_path, key = where[:-1], where[-1]
    try:
        parent: Any = schema
        for p in parent_path:
            parent = parent[p]
        value = parent[key]
    except (KeyError, IndexError, TypeError):
        return None
    path = (*base, *where)
    if key == "type" and isinstance(value, str) and value in TYPE_ALIASES:
        return ops.safe(f"type {value!r} → {TYPE_ALIASES[value]!r}", ops.replace(path, TYPE_ALIASES[value]))
    if key == "type" and isinstance(value, list) and all(isinstance(v, str) for v in value) \
            and any(v in TYPE_ALIASES for v in value):
        return ops.safe("use JSON Schema type names", ops.replace(path, [TYPE_ALIASES.get(v, v) for v in value]))
    if key == "required" and isinstance(value, bool) and len(parent_path) >= 2 \
            and parent_path[-2] == "properties":
        prop = parent_path[-1]
        owner_path = parent_path[:-2]
        owner: Any = schema
        for p in owner_path:
            owner = owner[p]
        out = [ops.remove(path)]
        if value:
            listed = owner.get("required") if isinstance(owner, dict) else None
            if isinstance(listed, list):
                if prop not in listed:
                    out.append(ops.add((*base, *owner_path, "required", len(listed)), prop))
            else:
                out.append(ops.add((*base, *owner_path, "required"), [prop]))
        return ops.safe(f"move the draft-04 `required: {str(value).lower()}` of {prop!r} to the parent's list",
                        *out)
    if isinstance(key, str):
        return ops.unsafe(f"remove the invalid {key!r} keyword (the schema then accepts more)", ops.remove(path))
    return None


@rule("D003", "invalid-input-schema", Severity.ERROR, references=("TOOL-03",),
      fix=Applicability.SAFE)
def invalid_input_schema(ctx: CheckContext) -> Iterator[Violation]:
    """A custom tool's `input_schema` is not valid JSON Schema draft 2020-12, or not an object schema.

    ## What it does
    Validates each custom tool's `input_schema` against the draft 2020-12 meta-schema
    (`jsonschema.Draft202012Validator`) and reports the most relevant fault at its place in
    the schema (e.g. `"type": "int"`, `"required": true` inside a property, `"properties": []`).
    Also checks that the root is an object schema (`"type": "object"`), which the API's
    `InputSchema` type requires.  A schema of more than 50,000 JSON nodes is not validated
    (the validator's work grows much faster than the schema: a 1,000,000-item `anyOf` took
    minutes); it gets a *warning* saying so, and Y001 does not validate that tool's inputs.

    ## Why is this bad?
    Schemas generated from other languages' types, draft-04 habits and hand edits produce
    them.  The API answers
    ``tools.118.custom.input_schema: JSON schema is invalid. It must match JSON Schema draft
    2020-12 (https://json-schema.org/draft/2020-12). Learn more about tool use at
    https://docs.claude.com/en/docs/tool-use.`` (the `docs.anthropic.com` host before 2025-10).
    No exact text is known for a root that is not `type: "object"`, so those findings carry
    none.  Regex `pattern` values are not checked (Python and ECMA-262 regex syntax differ).

    ## Example
    `{"name": "search", "input_schema": {"type": "object", "properties": {"limit": {"type": "int"}}}}`

    ## Fix
    *Safe* where the meaning is unambiguous: a root without any `type` gets `"type": "object"`;
    a type alias from another language (`int`, `str`, `bool`, `float`, `dict`, `list`, `null`
    spelled `None`) becomes its JSON Schema name; a draft-04 `"required": true` inside a
    property moves to the parent's `required` list (`false` is dropped).  *Unsafe* otherwise:
    the offending keyword is removed from its subschema (the schema accepts more than the author
    meant).  A root that is not an object schema gets no automatic repair: what the tool's input
    should look like is the author's decision.
    """
    for i, t in ctx.tools:
        if not is_custom(t) or "input_schema" not in t:
            continue
        schema = t["input_schema"]
        base: Path = ("tools", i, "input_schema")
        if not isinstance(schema, dict):
            yield Violation(base, f"input_schema is {type(schema).__name__}, not a JSON object schema",
                            fix=ops.unsafe('replace the input_schema with {"type": "object"}',
                                           ops.replace(base, {"type": "object"})))
            continue
        problem = _schema_problem(schema)  # None for a schema too large to validate
        if problem is None and too_large(schema):
            yield Violation(base, f"input_schema of tool {t.get('name', i)!r} has over {SCHEMA_NODE_LIMIT:,} "
                                  f"nodes: too large to check against the JSON Schema meta-schema here (and its "
                                  f"tool inputs were not validated); the API's own limit on schema size is "
                                  f"not documented", severity=Severity.WARNING)
        if problem is not None:
            where, why = problem
            yield Violation(
                (*base, *where),
                f"input_schema of tool {t.get('name', i)!r} is not valid draft 2020-12: {why}",
                api_error=f"tools.{i}.custom.input_schema: {TOOL03_TEXT}",
                fix=_schema_fix(base, schema, where),
            )
        if "type" not in schema:
            yield Violation(
                base, "input_schema has no root type; the API requires type: \"object\"",
                fix=ops.safe('add "type": "object" to the root of the schema',
                             ops.add((*base, "type"), "object")),
            )
        elif schema["type"] != "object":
            yield Violation((*base, "type"),
                            f"input_schema root type is {schema['type']!r}; the API requires \"object\"")


def _choice_fix_target(ctx: CheckContext, name: str) -> str | None:
    """A declared tool that ``name`` evidently means: same name ignoring case or sanitizing."""
    names = [n for n in ctx.tools_by_name]
    for key in (str.lower, lambda s: _sanitize(s).lower()):
        hits = [n for n in names if key(n) == key(name)]
        if len(hits) == 1:
            return hits[0]
    return None


def _forced_any(choice: dict[str, Any], ctx: CheckContext) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "any" if ctx.tools else "auto"}
    if "disable_parallel_tool_use" in choice:
        out["disable_parallel_tool_use"] = choice["disable_parallel_tool_use"]
    return out


@rule("D004", "tool-choice-invalid", Severity.ERROR, references=("TOOL-04", "TOOL-05"),
      fix=Applicability.UNSAFE)
def tool_choice_invalid(ctx: CheckContext) -> Iterator[Violation]:
    """`tool_choice` is malformed or names a tool that is not defined.

    ## What it does
    Checks `tool_choice`: an object whose `type` is `auto`, `any`, `tool` or `none`; `tool`
    needs a `name` that a tool in `tools` has.  The OpenAI object form
    `{"type": "function", "function": {"name": …}}` is reported too; a `tool_choice` that is
    not an object (`"auto"`, `"required"`) is B001's.  `{"type": "none"}` is valid (since
    2025-02-27) and never reported.

    ## Why is this bad?
    ``tool_choice.tool.name: Field required`` when the name is missing (a Cursor bug).  Naming
    a tool that is not defined is refused too, but no public exact text is known.  OpenAI
    forms are refused by the schema.

    ## Example
    `{"tool_choice": {"type": "tool"}}`

    ## Fix
    * The OpenAI `function` form: *safe*, `{"type": "tool", "name": …}` (same meaning).
    * Another unknown `type`: *unsafe*, `{"type": "auto"}`.
    * A name that matches exactly one defined tool ignoring case or punctuation: *unsafe*, use
      that tool's name (a guess at what was meant).
    * A missing or unknown name: *unsafe*, force any tool instead (`{"type": "any"}`), the
      closest behaviour that needs no name.
    """
    choice = ctx.request.get("tool_choice")
    if not isinstance(choice, dict):
        return  # absent, null, or not an object: B001 reports the last (with the OpenAI mapping)
    path: Path = ("tool_choice",)
    ctype = choice.get("type")
    if ctype == "function":
        fn = choice.get("function")
        fname = fn.get("name") if isinstance(fn, dict) else None
        yield Violation(
            (*path, "type"), "tool_choice uses the OpenAI form {\"type\": \"function\", …}",
            fix=ops.safe("use {\"type\": \"tool\", \"name\": …}",
                         ops.replace(path, {"type": "tool", "name": fname}))
            if isinstance(fname, str) else None,
        )
        return
    if ctype not in _CHOICE_TYPES:
        yield Violation((*path, "type"),
                        f"tool_choice type {ctype!r} is not one of auto, any, tool, none",
                        fix=ops.unsafe("use {\"type\": \"auto\"}", ops.replace(path, {"type": "auto"})))
        return
    if ctype != "tool":
        return
    name = choice.get("name")
    if "name" not in choice:
        yield Violation(path, "tool_choice {\"type\": \"tool\"} has no name",
                        api_error="tool_choice.tool.name: Field required",
                        fix=ops.unsafe("force any tool instead", ops.replace(path, _forced_any(choice, ctx))))
        return
    if isinstance(name, str) and name in ctx.tools_by_name:
        return
    target = _choice_fix_target(ctx, name) if isinstance(name, str) else None
    if target is not None:
        fix = ops.unsafe(f"force {target!r}, the defined tool that {name!r} most likely means",
                         ops.replace((*path, "name"), target))
    else:
        fix = ops.unsafe("force any tool instead", ops.replace(path, _forced_any(choice, ctx)))
    yield Violation(
        (*path, "name"),
        f"tool_choice names {name!r}, which no tool in `tools` defines",
        fix=fix,
    )


@rule("D005", "tool-definition-shape", Severity.ERROR, fix=Applicability.UNSAFE)
def tool_definition_shape(ctx: CheckContext) -> Iterator[Violation]:
    """A `tools` entry has an unknown `type`, a wrong fixed `name`, or keys its type does not take.

    ## What it does
    Reports an unknown `type`, a server tool whose `name` is not its fixed name, a toolset
    carrying single-tool keys, a missing required key.
    Checks every `tools[]` entry against the tool union generated from the SDK
    (`types/tool_union_param.py` and the beta variant, in `data/api_shapes.json`): a custom tool
    (no `type`, or `"custom"`) and each versioned tool type (`bash_20250124`,
    `code_execution_*`, `memory_20250818`, `text_editor_*`, `web_search_*`, `web_fetch_*`,
    `tool_search_tool_bm25` / `_regex`, and the nameless toolsets `computer_toolset_20260801`
    and `browser_toolset_20260801`).  A server tool's `name` is fixed by its type
    (`web_search_20250305` must be named `web_search`); a toolset takes no `name`, `description`
    or `input_schema`.  Beta-only tool types (`mcp_toolset`, `advisor_20260301`, older
    computer-use versions) are accepted with their beta header (B009 otherwise).  A custom tool's
    `name` and `input_schema` have their own rules (D001, D003); OpenAI-shaped definitions are
    O007's.

    ## Why is this bad?
    The API rejects the definition: ``tools.0: Input tag 'web_search_2025' found using 'type'
    does not match any of the expected tags: …``, ``tools.1.web_search_20250305.name: Input
    should be 'web_search'``, ``tools.2.computer_toolset_20260801.name: Extra inputs are not
    permitted``.

    ## Example
    ```json
    {"tools": [{"type": "web_search_20250305", "name": "search"},
               {"type": "computer_toolset_20260801", "name": "computer", "display_width_px": 1024}]}
    ```

    ## Fix
    *Safe*: a key the tool type does not take is deleted (the API never reads it), a server
    tool's name written in another case is set to its fixed name.  *Unsafe*: another name is set
    to the fixed one (earlier `server_tool_use` blocks in the history keep the old name), an
    optional value the type rejects is removed.  An unknown type or a missing key: no automatic
    repair (which tool was meant cannot be told).
    """
    from tui.core.rules.shape import shape_issues

    for v in shape_issues(ctx, "D005"):
        if v.path[:1] == ("tools",) and len(v.path) >= 2 and isinstance(v.path[1], int):
            tool = ctx.request["tools"][v.path[1]]
            if isinstance(tool, dict) and tool.get("type") == "function":
                continue  # O007 converts OpenAI function definitions whole
        yield v

