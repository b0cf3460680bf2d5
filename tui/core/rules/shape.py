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
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from tui.core import apishapes
from tui.core.findings import Applicability, Fix, Severity, Violation
from tui.core.paths import Path
from tui.core.repair import ops
from tui.core.rules.context import CheckContext
from tui.core.rules.registry import rule

# -- what the shape file says ------------------------------------------------------------------
#
# Every table below is *derived* from ``data/api_shapes.json`` (generated from the SDK by
# ``python -m tui.core.apigen``): block types per position, their required and optional keys,
# value types and literal values, and what only the beta types have.  Nothing here lists a block
# type or a key by hand except the boundaries with other families (below).

_ROLES_WITH_OWN_RULES = frozenset({"tool", "function"})

_TYPE_TEXT = {
    "str": "Input should be a valid string",
    "int": "Input should be a valid integer",
    "bool": "Input should be a valid boolean",
    "dict": "Input should be a valid dictionary",
    "list": "Input should be a valid list",
    "number": "Input should be a valid number",
}
_OBJ_TEXT = "Input should be a valid dictionary or object to extract fields from"
_TAG_MISSING_TEXT = "Unable to extract tag using discriminator 'type'"
_EXTRA_TEXT = "Extra inputs are not permitted"

_MISSING_LEFT_TO_OTHERS = frozenset({("thinking", "signature"), ("thinking", "thinking")})
"""Missing block keys another family reports (T003 no signature, T009 thinking text omitted)."""
_VALUE_LEFT_TO_OTHERS = frozenset({("tool_use", "input"), ("server_tool_use", "input"),
                                   ("thinking", "signature"), ("image source", "media_type")})
"""Block values another family checks (P008 tool input, T003 unusable signature, M001 image
media types)."""

_DOC_MEDIA_TYPE = {"base64": "application/pdf", "text": "text/plain"}

_TOP_LEFT_TO_OTHERS = frozenset({
    "messages", "system",   # walked as messages and blocks (B003 … B008)
    "stop_sequences",       # B001 checks its items
    "metadata",             # A006 (user_id, other keys)
    "tool_choice",          # D004
})
"""Top-level keys whose inside another rule checks (one fault, one report)."""
_PATHS_LEFT_TO_OTHERS = frozenset({("output_config", "effort"), ("thinking", "type")})
"""Values the A family (effort levels per model) and T008 (thinking modes) judge."""
_EXTRAS_LEFT_TO_OTHERS = frozenset({"cache_control"})
"""Objects whose unknown keys another rule reports (K003: non-standard cache_control fields)."""
_TOOL_KEYS_LEFT_TO_OTHERS = frozenset({"name", "input_schema"})
"""A custom tool's name (D001) and input_schema (D003) have rules of their own."""


def _kind_of(expr: apishapes.Expr) -> str:
    """The expression as a JSON-kind word (``str``, ``int``, ``number``, ``bool``, ``list``,
    ``dict``, joined with ``|``; ``?`` when null is accepted): what B001's messages and fixes use."""
    kinds: list[str] = []
    for m in apishapes.members(apishapes.without_null(expr)):
        s = apishapes.scalar(m)
        if s is not None:
            k = {"float": "number"}.get(s, s)
        elif "lit" in m:
            k = "str" if all(isinstance(v, str) for v in m["lit"]) else "any"
        elif "list" in m:
            k = "list"
        else:
            k = "dict"
        if k not in kinds:
            kinds.append(k)
    out = "|".join(kinds) or "any"
    return out + "?" if apishapes.accepts_null(expr) and "any" not in kinds else out


def _kind_ok(kind: str, value: Any) -> bool:
    if kind.endswith("?"):
        if value is None:
            return True
        kind = kind[:-1]
    for k in kind.split("|"):
        if k == "any" or (k == "str" and isinstance(value, str)) or \
                (k == "bool" and isinstance(value, bool)) or \
                (k == "dict" and isinstance(value, dict)) or (k == "list" and isinstance(value, list)):
            return True
        if k == "int" and isinstance(value, int) and not isinstance(value, bool):
            return True
        if k == "number" and isinstance(value, (int, float)) and not isinstance(value, bool):
            return True
    return False


def _type_text(kind: str) -> str | None:
    """pydantic's message for a value of the wrong kind; None for unions (wording unknown)."""
    return _TYPE_TEXT.get(kind.rstrip("?"))


def _expr_text(expr: apishapes.Expr) -> str | None:
    """pydantic's message for a value matching no alternative of ``expr``, where it is knowable."""
    alts = apishapes.members(apishapes.without_null(expr))
    if len(alts) != 1:
        return None
    (alt,) = alts
    if isinstance(alt, dict) and "lit" in alt:
        return apishapes.literal_text(alt["lit"])
    if isinstance(alt, dict) and "tagged" in alt:
        return _OBJ_TEXT
    return _type_text(_kind_of(alt))


_PY_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,), "int": (int,), "float": (int, float), "bool": (bool,), "null": (type(None),),
}
_FAST: dict[int, tuple[apishapes.Expr, frozenset[type] | None]] = {}


def _fast_types(expr: apishapes.Expr) -> frozenset[type] | None:
    """For an expression of scalars only (``str``, ``Optional[int]`` …): the exact Python types
    that satisfy it, so the walk accepts most values with one set lookup (memoised: the shape
    file's expressions live as long as the process)."""
    hit = _FAST.get(id(expr))
    if hit is not None and hit[0] is expr:
        return hit[1]
    types: set[type] | None = set()
    for m in apishapes.members(expr):
        s = apishapes.scalar(m)
        if s in _PY_TYPES and not apishapes.is_beta(m):
            types.update(_PY_TYPES[s])  # type: ignore[union-attr]
        else:
            types = None
            break
    result = frozenset(types) if types else None
    _FAST[id(expr)] = (expr, result)
    return result


def dotted(path: Path) -> str:
    return ".".join(str(p) for p in path)


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean",
            int: "a number", float: "a number"}.get(type(value), type(value).__name__)


def _tags_text(cases: Mapping[str, Any]) -> str:
    """The expected-tags list as pydantic prints it: the stable tags, sorted, quoted."""
    return ", ".join(f"'{t}'" for t in sorted(t for t, c in cases.items() if not c.get("beta")))


def _allowed_keys(btype: str, cases: Mapping[str, Any]) -> set[str]:
    case = cases.get(btype)
    return set(apishapes.defn(case["ref"])["keys"]) if case else set()


def _short_def(name: str) -> str:
    return "request" if name == apishapes.shapes()["root"] else name


# -- the walk ------------------------------------------------------------------------------


def raw_request(ctx: CheckContext) -> Any:
    """The request exactly as logged: ``ctx.request`` is ``{}`` when the log held a non-object."""
    ex_req = ctx.exchange.request if ctx.exchange is not None else None
    if ctx.request or isinstance(ex_req, dict) or ex_req is None:
        return ctx.request
    return ex_req


class _Walk:
    """One pass over the request against the generated shapes; collects violations per code."""

    def __init__(self, ctx: CheckContext) -> None:
        self.ctx = ctx
        self.out: dict[str, list[Violation]] = {}

    def add(self, code: str, v: Violation) -> None:
        self.out.setdefault(code, []).append(v)

    # beta-only shapes ------------------------------------------------------------------------
    def beta(self, feature: str, what: str, path: Path, api_error: str | None,
             drop: Path | None = None) -> None:
        """A shape only the beta types have: fine with its header, an error without it, and a
        warning when the log kept no headers (nothing can be said about what was sent).  The
        fix removes ``drop`` (default: ``path``): the request then works without the beta."""
        wanted = apishapes.beta_headers_for(feature)
        betas = self.ctx.betas
        if wanted is None and betas:
            return  # the table does not say which header: any beta header may be the one
        if wanted is not None and betas & set(wanted):
            return
        need = " or ".join(f"`{h}`" for h in wanted) if wanted else "its `anthropic-beta` header"
        target = path if drop is None else drop
        fix = ops.unsafe(f"remove {dotted(target)} (or send the request with {need})", ops.remove(target))
        if not self.ctx.headers_logged and not betas:
            self.add("B009", Violation(
                path, f"{what} exists only in the beta API (it needs {need}); the log kept no request "
                      f"headers, so whether it was sent cannot be told",
                api_error=api_error, severity=Severity.WARNING, fix=fix))
            return
        sent = ", ".join(sorted(betas)) if betas else "none"
        self.add("B009", Violation(
            path, f"{what} exists only in the beta API and needs {need} (anthropic-beta sent: {sent})",
            api_error=api_error, fix=fix))

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
        got = apishapes.block_cases(apishapes.top_level_keys()["system"]["type"])
        if isinstance(system, list) and got:
            cases, _ = got
            for j, item in enumerate(system):
                if isinstance(item, dict):
                    self.block(item, ("system", j), f"system.{j}", cases, False, system)
        self.top_level(body)
        return self.out

    def top_level(self, body: dict[str, Any]) -> None:
        """The other top-level objects (B010; tools: D005) and every beta-only key (B009).
        A key of the wrong JSON kind is B001's; keys other families own are left to them."""
        root_name = apishapes.shapes()["root"]
        for key, spec in apishapes.top_level_keys().items():
            if key not in body:
                continue
            value = body[key]
            if spec.get("beta"):
                self.beta(key, f"the top-level `{key}`", (key,), f"{key}: {_EXTRA_TEXT}")
            if key in _TOP_LEFT_TO_OTHERS or (value is None and apishapes.accepts_null(spec["type"])):
                continue
            if not _kind_ok(_kind_of(spec["type"]), value):
                continue  # B001
            self.value(value, spec["type"], (key,), key, "request", key,
                       "D005" if key == "tools" else "B010", def_name=root_name,
                       optional=not spec["required"])

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
        if role == "system":
            self.system_message_fields(i, m)
        content = m.get("content")
        if "content" not in m:
            if "tool_calls" not in m and not (role == "system" and "output_config" in m):
                self.add("B003", Violation(
                    path, f"message {i} has no content",
                    api_error=f"messages.{i}.content: Field required"))
            return
        if isinstance(content, list):
            cases = apishapes.message_cases(role if isinstance(role, str) else "user")
            for j, item in enumerate(content):
                self.block(item, (*path, "content", j), f"messages.{i}.content.{j}", cases, True, content)
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

    def system_message_fields(self, i: int, m: dict[str, Any]) -> None:
        """A ``role: "system"`` message's own fields beyond role/content (beta: ``output_config``,
        ``clear_at``): their values are checked, and their beta header.  Unknown keys are O006's."""
        msgs = apishapes.top_level_keys()["messages"]["type"]["list"]
        name = msgs["cases"]["system"]["ref"]
        for key, spec in apishapes.defn(name)["keys"].items():
            if key in ("role", "content") or key not in m:
                continue
            path: Path = ("messages", i, key)
            if spec.get("beta"):
                self.beta(f"{name}.{key}", f"`{key}` on a system message", path,
                          f"messages.{i}.{key}: {_EXTRA_TEXT}")
            self.value(m[key], spec["type"], path, f"messages.{i}.{key}", "system message", key, "B006")

    # blocks --------------------------------------------------------------------------------
    def block(self, item: Any, path: Path, loc: str, cases: Mapping[str, Any], tagged: bool,
              parent: list[Any]) -> None:
        """Check one content block against the block types ``cases`` of its position."""
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
                fix=_infer_type_fix(item, path, cases)))
            return
        if not isinstance(btype, str) or btype not in cases:
            self.unknown_type(item, btype, path, loc, cases, tagged)
            return
        case = cases[btype]
        prefix = f"{loc}.{btype}" if tagged else loc
        if case.get("beta"):
            self.beta(f"block:{btype}", f"a `{btype}` block", path,
                      f"{loc}: Input tag '{btype}' found using 'type' does not match any of the "
                      f"expected tags: {_tags_text(cases)}")
        self.object(item, case["ref"], path, prefix, btype, block=True)

    def unknown_type(self, item: dict[str, Any], btype: Any, path: Path, loc: str,
                     cases: Mapping[str, Any], tagged: bool) -> None:
        if btype == "image_url":
            return  # O003 converts OpenAI image_url blocks
        shown = btype if isinstance(btype, str) else json.dumps(btype)
        if tagged:
            api = (f"{loc}: Input tag '{shown}' found using 'type' does not match any of the "
                   f"expected tags: {_tags_text(cases)}")
        else:
            api = f"{loc}.type: {apishapes.literal_text(sorted(cases))}"
        if isinstance(btype, str) and btype in apishapes.all_block_tags():
            where = "a system prompt" if path[0] == "system" else \
                "tool_result content" if "tool_result" in loc else \
                f"a {self.ctx.role(int(path[1])) or 'this'} message" if path[0] == "messages" and \
                len(path) == 4 else "this position"
            accepted = ", ".join(sorted(cases)) if len(cases) <= 8 else f"{len(cases)} other block types"
            self.add("B008", Violation(
                path, f"a `{btype}` block is not accepted in {where} (accepted here: {accepted})",
                api_error=api, fix=ops.unsafe(f"drop the {btype} block", ops.remove(path))))
            return
        plausible = (tagged and isinstance(btype, str)
                     and re.fullmatch(r"[a-z][a-z0-9_]*_tool_(result|use)", btype) is not None)
        if plausible:
            self.add("B004", Violation(
                path, f"block type {btype!r} is not one the installed SDK's types know; it looks like "
                      f"a newer server tool block, which the API may accept (with the right beta header)",
                api_error=api, severity=Severity.WARNING))
            return
        self.add("B004", Violation(
            path, f"unknown content block type {shown!r}", api_error=api,
            fix=_unknown_type_fix(item, path)))

    def object(self, item: dict[str, Any], name: str, path: Path, prefix: str, owner: str, *,
               block: bool) -> None:
        """Required keys, known keys' values, extra keys and beta-only keys of one object."""
        missing, wrong, extra = ("B005", "B006", "B007") if block else ("B010", "B010", "B010")
        self.keys(item, name, apishapes.defn(name), path, prefix, owner, (missing, wrong, extra),
                  skip=("type",) if block else ())

    def keys(self, item: dict[str, Any], name: str, d: dict[str, Any], path: Path, prefix: str,
             owner: str, codes: tuple[str, str, str], *, skip: Iterable[str] = ()) -> None:
        """Walk the keys of definition ``d`` over ``item``: ``codes`` are the rules for a missing
        key, a wrong value and an extra key; ``skip`` the keys checked elsewhere (a tag)."""
        missing, wrong, extra = codes
        skipped = frozenset(skip)
        for key, spec in d["keys"].items():
            if key in skipped:
                continue
            if key not in item:
                if spec["required"] and (owner, key) not in _MISSING_LEFT_TO_OTHERS:
                    fix = None
                    if key == "input" and owner in ("tool_use", "server_tool_use"):
                        fix = ops.unsafe("add an empty input object", ops.add((*path, "input"), {}))
                    self.add(missing, Violation(
                        (*path, key), f"{owner} has no `{key}`",
                        api_error=f"{prefix}.{key}: Field required", fix=fix))
                continue
            if (owner, key) in _VALUE_LEFT_TO_OTHERS:
                continue
            if spec.get("beta"):
                self.beta(f"{_short_def(name)}.{key}", f"`{key}` on {owner}", (*path, key),
                          f"{prefix}.{key}: {_EXTRA_TEXT}")
            fast = _fast_types(spec["type"])
            if fast is not None and type(item[key]) in fast:
                continue
            self.value(item[key], spec["type"], (*path, key), f"{prefix}.{key}", owner, key, wrong,
                       def_name=name, optional=not spec["required"])
        if not d.get("open") and path[-1] not in _EXTRAS_LEFT_TO_OTHERS:
            for key in item:
                if key not in d["keys"]:
                    self.add(extra, Violation(
                        (*path, key), f"{owner} has a key {key!r} the API does not accept",
                        api_error=f"{prefix}.{key}: {_EXTRA_TEXT}",
                        fix=ops.safe(f"delete the {key!r} key", ops.remove((*path, key)))))

    def value(self, value: Any, expr: apishapes.Expr, path: Path, loc: str, owner: str, key: str,
              code: str, *, def_name: str | None = None, optional: bool = False) -> None:
        """Check one value against its expression, descending into objects and lists."""
        if (value is None and apishapes.accepts_null(expr)) or path in _PATHS_LEFT_TO_OTHERS:
            return
        got = apishapes.block_cases(expr)
        if got is not None and isinstance(value, list):
            cases, tagged = got
            for k, sub in enumerate(value):
                self.block(sub, (*path, k), f"{loc}.{k}", cases, tagged, value)
            return
        alts = [m for m in apishapes.members(expr) if apishapes.scalar(m) != "null"]
        match = next((m for m in alts if apishapes.shallow_match(m, value)), None)
        if match is None:
            lits = [v for m in alts if isinstance(m, dict) and "lit" in m for v in m["lit"]]
            if lits and isinstance(value, str) and all(isinstance(m, dict) and "lit" in m for m in alts):
                what = key if owner == "request" else f"{owner}.{key}"
                fix = _literal_fix(value, lits, path)
                if fix is None and len(lits) == 1 and code == "D005":
                    fix = ops.unsafe(f"set {what} to {lits[0]!r}, the fixed value of this type "
                                     f"(calls in the history keep the old name)", ops.replace(path, lits[0]))
                self.add(code, Violation(
                    path, f"{what} is {value!r}; the API accepts {', '.join(map(repr, lits))}",
                    api_error=f"{loc}: {apishapes.literal_text(lits)}",
                    fix=fix or self.drop_fix(path, optional, code)))
                return
            kind = _kind_of(expr)
            what = key if owner == "request" else f"{owner}.{key}"
            self.add(code, Violation(
                path, f"{what} is {_describe(value)}; it must be {apishapes.kind_word(expr)}",
                api_error=f"{loc}: {t}" if (t := _expr_text(expr)) else None,
                fix=_value_fix(key, kind, value, path) or self.drop_fix(path, optional, code)))
            return
        if isinstance(match, dict) and "lit" in match and value in match.get("beta_values", ()):
            feature = f"{_short_def(def_name)}.{key}={value}" if def_name else f"{key}={value}"
            self.beta(feature, f"{owner}.{key} {value!r}", path, f"{loc}: "
                      f"{apishapes.literal_text([v for v in match['lit'] if v not in match['beta_values']])}")
        if apishapes.is_beta(match) and len(alts) > 1:
            self.beta(f"{key}", f"this form of {owner}.{key}", path, None)
        if isinstance(match, dict) and "ref" in match and isinstance(value, dict):
            self.object(value, match["ref"], path, loc, key if owner == "request" else f"{owner}.{key}",
                        block=False)
        elif isinstance(match, dict) and "tagged" in match and isinstance(value, dict):
            self.tagged(value, match, path, loc, owner, key, code)
        elif isinstance(match, dict) and "list" in match and isinstance(value, list):
            for k, sub in enumerate(value):
                self.value(sub, match["list"], (*path, k), f"{loc}.{k}", owner, key, code)

    @staticmethod
    def drop_fix(path: Path, optional: bool, code: str) -> Fix | None:
        """Outside the blocks, an optional value the API rejects can go (its default applies)."""
        if optional and code in ("B010", "D005"):
            return ops.unsafe(f"remove {dotted(path)} (the API's default applies)", ops.remove(path))
        return None

    def tagged(self, value: dict[str, Any], expr: dict[str, Any], path: Path, loc: str, owner: str,
               key: str, code: str) -> None:
        tag_key = expr["tagged"]
        cases = expr["cases"]
        tag = value.get(tag_key)
        where = dotted(path) if owner == "request" else f"{owner} {key}"
        if tag_key not in value:
            if "default" in expr:
                name = expr["default"]
                self.object_tagged(value, name, apishapes.defn(name), path, loc, where, tag_key, code,
                                   custom_tool=key == "tools")
                return
            self.add(code, Violation(path, f"{where} has no `{tag_key}`",
                                     api_error=f"{loc}: Unable to extract tag using discriminator '{tag_key}'"))
            return
        if not isinstance(tag, str) or tag not in cases:
            if (*path, tag_key) in _PATHS_LEFT_TO_OTHERS:
                return
            shown = tag if isinstance(tag, str) else json.dumps(tag)
            known = _tags_text(cases) if len(cases) <= 8 else f"the {len(cases)} the API knows"
            self.add(code, Violation(
                (*path, tag_key), f"{where} {tag_key} {shown!r} is not one of {known}",
                api_error=f"{loc}: Input tag '{shown}' found using '{tag_key}' does not match any of "
                          f"the expected tags: {_tags_text(cases)}"))
            return
        case = cases[tag]
        if case.get("beta"):
            feature = f"tool:{tag}" if key == "tools" else f"{key}={tag}"
            self.beta(feature, f"{where} {tag_key} {tag!r}", (*path, tag_key),
                      f"{loc}: Input tag '{tag}' found using '{tag_key}' does not match any of the "
                      f"expected tags: {_tags_text(cases)}", drop=path)
        sub = apishapes.defn(case["ref"])
        self.object_tagged(value, case["ref"], sub, path, f"{loc}.{tag}", where, tag_key, code,
                           custom_tool=key == "tools" and case["ref"] == expr.get("default"))
        if key == "source" and owner == "document":
            self.document_media_type(value, tag, path, f"{loc}.{tag}")

    def object_tagged(self, value: dict[str, Any], name: str, d: dict[str, Any], path: Path,
                      prefix: str, owner: str, tag_key: str, code: str, *,
                      custom_tool: bool = False) -> None:
        """A tagged object (a source, a citation, a caller, a tool): inside a block its faults are
        the block's (B005 / B006 / B007 by kind); elsewhere ``code``'s.  Found at the exact path."""
        block_family = code in ("B005", "B006", "B007")
        missing, extra = ("B005", "B007") if block_family else (code, code)
        skip = (tag_key, *(_TOOL_KEYS_LEFT_TO_OTHERS if custom_tool else ()))
        self.keys(value, name, d, path, prefix, owner, (missing, code, extra), skip=skip)

    def document_media_type(self, src: dict[str, Any], stype: str, path: Path, loc: str) -> None:
        want = _DOC_MEDIA_TYPE.get(stype)
        mt = src.get("media_type")
        if not (want and isinstance(mt, str) and mt != want):
            return
        data = src.get("data")
        fix = None
        if stype == "base64" and isinstance(data, str) and data.startswith("JVBER"):
            fix = ops.safe(f"set media_type to {want} (the data is a PDF)",
                           ops.replace((*path, "media_type"), want))
        elif stype == "text":
            fix = ops.safe(f"set media_type to {want}", ops.replace((*path, "media_type"), want))
        # The literal check above reported a wrong media_type already when the SDK fixes it to one
        # value; keep one report: replace that one with this, which says what the data is.
        reported = self.out.get("B006", [])
        self.out["B006"] = [v for v in reported if v.path != (*path, "media_type")]
        self.add("B006", Violation(
            (*path, "media_type"), f"a {stype} document source must have media_type {want}, not {mt!r}",
            api_error=f"{loc}.media_type: Input should be '{want}'", fix=fix))


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


def _infer_type_fix(item: dict[str, Any], path: Path, cases: Mapping[str, Any]) -> Fix:
    keys = set(item)
    guess: str | None = None

    def fits(btype: str) -> bool:
        return keys <= _allowed_keys(btype, cases) | {"type"}

    if isinstance(item.get("text"), str) and fits("text"):
        guess = "text"
    elif "tool_use_id" in keys and fits("tool_result"):
        guess = "tool_result"
    elif {"id", "name", "input"} <= keys and fits("tool_use"):
        guess = "tool_use"
    elif isinstance(item.get("source"), dict) and fits("image"):
        mt = item["source"].get("media_type")
        guess = "image" if isinstance(mt, str) and mt.startswith("image/") else \
            "document" if mt in ("application/pdf", "text/plain") else None
    if guess is not None and guess in cases:
        return ops.safe(f"add \"type\": \"{guess}\" (its keys are those of a {guess} block)",
                        ops.add((*path, "type"), guess))
    return ops.unsafe("drop the block without a type", ops.remove(path))


def _literal_fix(value: str, accepted: list[Any], path: Path) -> Fix | None:
    """A literal written in another case or with stray spaces is certain; anything else is not."""
    for v in accepted:
        if isinstance(v, str) and v == value.strip().lower():
            return ops.safe(f"write {value!r} as {v!r}", ops.replace(path, v))
    return None


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


def shape_issues(ctx: CheckContext, code: str) -> Iterator[Violation]:
    """What the one shape walk found for ``code`` (rules of other families read their share)."""
    return _issues(ctx, code)


def _issues(ctx: CheckContext, code: str) -> Iterator[Violation]:
    got = _MEMO.get(ctx)
    if got is None:
        got = _Walk(ctx).run()
        _MEMO[ctx] = got
    return iter(got.get(code, ()))


# -- top level -----------------------------------------------------------------------------

LEGACY_TOP_LEVEL_KINDS: dict[str, str] = {"temperature": "number", "top_p": "number", "top_k": "int"}
"""Sampling parameters: in no request type of the SDK (the API of 2026-10-21 rejects them; the A
family says so), but older API versions take them, so their JSON type is still checked."""


def _top_level_kinds() -> dict[str, str]:
    kinds = {key: _kind_of(spec["type"]) for key, spec in apishapes.top_level_keys().items()}
    return {**kinds, **LEGACY_TOP_LEVEL_KINDS}


TOP_LEVEL_KINDS: dict[str, str] = _top_level_kinds()
"""Every top-level key's JSON kind, from the generated shapes (``str|list`` for ``system`` …)."""

REQUIRED_TOP = tuple(k for k, spec in apishapes.top_level_keys().items() if spec["required"])
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
    return Violation(path, msg + f"; it must be {_kind_words(kind)}",
                     api_error=None if severity else api, fix=fix, severity=severity)


_KIND_WORDS = {"str": "a string", "int": "an integer", "list": "a list", "dict": "an object",
               "bool": "a boolean", "number": "a number", "str|list": "a string or a list of text blocks"}


def _kind_words(kind: str) -> str:
    base = kind.rstrip("?")
    if base in _KIND_WORDS:
        return _KIND_WORDS[base]
    return " or ".join(_KIND_WORDS.get(k, k) for k in base.split("|"))


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


@rule("B008", "block-in-wrong-position", Severity.ERROR, fix=Applicability.UNSAFE)
def block_in_wrong_position(ctx: CheckContext) -> Iterator[Violation]:
    """A content block of a known type sits where the API does not accept that type.

    ## What it does
    Each position has its own block union in the SDK's request types (read from the generated
    `data/api_shapes.json`): a message's content (user and assistant: text, image, document,
    tool_use, tool_result, the server tool results …), a system message's content (text; beta:
    tool_addition / tool_removal), `tool_result.content` (text, image, document, search_result,
    tool_reference, browser_state), a `system` block list (text only), `search_result.content`
    (text only).  A block type that exists in *another* position is reported here rather than
    as unknown (B004).

    ## Why is this bad?
    The position's tagged union rejects it, listing the tags it accepts:
    ``messages.2.content.0.tool_result.content.0: Input tag 'tool_use' found using 'type' does
    not match any of the expected tags: 'browser_state', 'document', 'image', 'search_result',
    'text', 'tool_reference'``.  Typical causes: a `tool_reference` put in a message instead of a
    tool result, a `tool_use` nested inside a `tool_result`, an image in a system prompt.

    ## Example
    ```json
    {"role": "user", "content": [{"type": "tool_reference", "tool_name": "get_weather"}]}
    ```

    ## Fix
    *Unsafe*: drop the block (what it carried is lost; moving it is a decision for the user).
    """
    return _issues(ctx, "B008")


@rule("B009", "beta-shape-without-header", Severity.ERROR, references=("OAI-04",),
      fix=Applicability.UNSAFE)
def beta_shape_without_header(ctx: CheckContext) -> Iterator[Violation]:
    """A beta-only key, block, tool type or value sent without its `anthropic-beta` header.

    ## What it does
    The generated shape file marks what only the SDK's `anthropic.types.beta` request types have
    (top-level `mcp_servers`, `context_management`, `compaction`, `fallbacks`, `thread` …; blocks
    `tool_addition`, `tool_removal`, `compaction`, `mcp_tool_use` …; tools `mcp_toolset`,
    `computer_20251124`, older computer/bash/text_editor versions; system-message `output_config`
    and `clear_at`; values such as `thinking.display: "updates"`).  The header each needs is a
    small hand-kept table (`data/beta_features.json`, with sources); a shape the table does not
    cover is accepted with any `anthropic-beta` header.  With the logged header (or, for
    Bedrock / Vertex bodies, `anthropic_beta`) nothing is reported.  When the log kept no request
    headers at all, the finding is a *warning*: whether the header was sent cannot be told.

    ## Why is this bad?
    Without the header the request is validated against the stable schema, which does not have
    the field: ``context_management: Extra inputs are not permitted``, or for a block ``Input tag
    'tool_addition' found using 'type' does not match any of the expected tags: …``.

    ## Example
    ```json
    {"model": "claude-opus-4-8", "max_tokens": 1024, "messages": [...],
     "context_management": {"edits": [{"type": "clear_tool_uses_20250919"}]}}
    ```
    sent with no `anthropic-beta: context-management-2025-06-27` header.

    ## Fix
    The real fix is usually the header, not the body: replay and the exports send the logged
    `anthropic-beta` header, so log (or add) the right one.  *Unsafe*: remove the beta-only key,
    block or tool, so the request works on the stable API without what it asked for.
    """
    return _issues(ctx, "B009")


@rule("B010", "top-level-field-shape", Severity.ERROR, fix=Applicability.UNSAFE)
def top_level_field_shape(ctx: CheckContext) -> Iterator[Violation]:
    """A top-level object (`output_config`, `cache_control` …) has a missing, unknown or wrong field.

    ## What it does
    Inside `output_config`, `thinking`, `cache_control`, `container`, `context_management` …:
    a missing required key, an unknown key, a wrong type or a value the API does not accept.
    Walks every top-level object against the generated request shapes, at the exact path:
    `output_config.format` needs `type` and `schema`; `cache_control.ttl` is `5m` or `1h`;
    `service_tier` is `auto` or `standard_only`; `speed` is `standard` or `fast`; `thinking` is
    tagged by `type` (`enabled` needs `budget_tokens`) …  Left to their own rules: the JSON kind
    of the top-level value itself (B001), `messages` and `system` (B003–B008), `tools` (D005),
    `tool_choice` (D004), `metadata` (A006), `stop_sequences` items (B001), `output_config.effort`
    and the thinking modes a model accepts (A and T families).

    ## Why is this bad?
    The request schema rejects it, with pydantic's texts at the location: ``service_tier: Input
    should be 'auto' or 'standard_only'``, ``output_config.format.json_schema.schema: Field
    required``, ``cache_control.ttl: Input should be '5m' or '1h'``,
    ``thinking.enabled.budget_tokens: Field required``.

    ## Example
    ```json
    {"service_tier": "priority", "output_config": {"format": {"type": "json_schema"}},
     "cache_control": {"type": "ephemeral", "ttl": "2h"}}
    ```

    ## Fix
    *Safe* where the intent is certain: a literal written in another case (`"Auto"` → `"auto"`),
    an unknown key deleted (the API never reads it).  *Unsafe*: an optional value the API rejects
    is removed, so its default applies (`service_tier: "priority"` goes; the tier is `auto`).  A
    missing required key: no automatic repair (its value cannot be guessed).
    """
    return _issues(ctx, "B010")
