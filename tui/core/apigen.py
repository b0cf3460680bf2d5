"""Generate ``data/api_shapes.json`` from the installed ``anthropic`` SDK's request types.

Run ``python -m tui.core.apigen`` after bumping the ``anthropic`` pin (``--check`` only compares).
The SDK's request TypedDicts — ``MessageCreateParamsNonStreaming`` and everything it reaches, and
the ``anthropic.types.beta`` variant — are the most current statement of what the Messages API
accepts that we can read offline, and they move every month.  Copying them into hand-written
tables went stale within weeks, so the shape rules read this generated file instead; a test
regenerates it and fails when the shipped copy differs.

The stable and the beta request trees are *merged*: every object key, tagged-union case and
literal value that only the beta tree has is marked ``"beta": true`` (``"beta_values"`` for
literals), so a rule can tell "unknown to the API" from "needs an ``anthropic-beta`` header".

Type expressions in the file (JSON):

* ``"str" | "int" | "float" | "bool" | "null" | "any"`` — scalars (``"any"`` = ``object``);
* ``{"lit": [...], "beta_values": [...]}`` — a literal;
* ``{"list": T}``, ``{"map": T}`` — ``Iterable[T]`` / ``Dict[str, T]``;
* ``{"ref": NAME}`` — an object in ``defs`` (``keys``: name → ``{"type", "required", "beta"}``,
  ``open``: extra keys allowed, ``sdk``: the SDK module it was read from);
* ``{"tagged": KEY, "cases": {VALUE: {"ref": NAME, "beta": bool}}, "default": NAME}`` — a union of
  objects told apart by a required literal key (``type``, ``role``); ``default`` is the member
  whose tag is optional (a custom tool has no ``type``);
* ``{"union": [T, ...]}`` — any other union.  Any expression may carry ``"beta": true``.
"""

from __future__ import annotations

import argparse
import json
import sys
import typing
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import typing_extensions as te

OUT = Path(__file__).parent / "data" / "api_shapes.json"

HEADER_OPTIONS = ("betas", "user_profile_id", "workspace_id")
"""``create()`` keyword arguments the SDK sends as HTTP headers, not body keys
(``resources/messages/messages.py``: ``anthropic-beta``, ``anthropic-user-profile-id``,
``anthropic-workspace-id``)."""

_SCALARS: dict[Any, str] = {str: "str", int: "int", float: "float", bool: "bool",
                            type(None): "null", object: "any"}


def _is_typeddict(tp: Any) -> bool:
    return isinstance(tp, type) and te.is_typeddict(tp)


class _Reader:
    """Turns one SDK type tree into expressions, collecting object definitions by name."""

    def __init__(self) -> None:
        self.defs: dict[str, dict[str, Any]] = {}

    def expr(self, tp: Any) -> Any:
        origin = te.get_origin(tp)
        args = te.get_args(tp)
        if origin in (te.Required, te.NotRequired, typing.Required, typing.NotRequired):
            return self.expr(args[0])
        if origin is te.Annotated or origin is typing.Annotated:
            return self.expr(args[0])
        if tp in _SCALARS:
            return _SCALARS[tp]
        if origin in (te.Literal, typing.Literal):
            return {"lit": list(args)}
        if origin is typing.Union:
            members = [self.expr(a) for a in args if not _is_response_model(a)]
            return _union(members, self.defs)
        if tp in (bytes, typing.IO) or origin in (typing.IO,) or _is_pathlike(tp):
            return "str"  # file data the SDK base64-encodes: a string on the wire
        if origin is type:
            return "any"  # ``type[ResponseFormatT]``: a Python-side helper, never on the wire
        if origin in (dict, Mapping) or tp is dict:
            return {"map": self.expr(args[1]) if len(args) == 2 else "any"}
        if isinstance(origin, type) and issubclass(origin, Iterable) and origin is not str:
            return {"list": self.expr(args[0]) if args else "any"}
        if getattr(tp, "__name__", "") == "SequenceNotStr" or _is_sequence_not_str(tp):
            return {"list": self.expr(args[0]) if args else "any"}
        if _is_typeddict(tp):
            return {"ref": self.typeddict(tp)}
        if isinstance(tp, typing.TypeVar):
            return "any"
        raise TypeError(f"apigen: no rule for SDK type {tp!r}")

    def typeddict(self, tp: type) -> str:
        name = _def_name(tp)
        if name in self.defs:
            return name
        entry: dict[str, Any] = {"keys": {}, "sdk": _sdk_file(tp)}
        self.defs[name] = entry  # before the keys: recursive types terminate
        hints = typing.get_type_hints(tp, include_extras=True)
        total = bool(getattr(tp, "__total__", True))
        own = set(getattr(tp, "__annotations__", {}))
        sources = _annotation_sources(tp)
        for key, hint in hints.items():
            origin = te.get_origin(hint)
            if origin in (te.Required, typing.Required):
                required = True
            elif origin in (te.NotRequired, typing.NotRequired):
                required = False
            else:
                required = total and key in own
            typ = self.expr(hint)
            if key in sources:
                typ = _in_source_order(typ, _source_literals(sources[key]))
            entry["keys"][key] = {"type": typ, "required": required}
        config = getattr(tp, "__pydantic_config__", None) or {}
        if config.get("extra") == "allow":
            entry["open"] = True
        return name


def _annotation_sources(tp: type) -> dict[str, str]:
    """The annotation text of each key of a TypedDict, its bases' included (the SDK's modules
    use ``from __future__ import annotations``, so the text is what the SDK wrote)."""
    out: dict[str, str] = {}
    for klass in reversed(getattr(tp, "__mro__", (tp,))):
        for key, ann in getattr(klass, "__annotations__", {}).items():
            text = ann.__forward_arg__ if isinstance(ann, typing.ForwardRef) else ann
            if isinstance(text, str):
                out[key] = text
    return out


def _source_literals(text: str) -> list[list[Any]]:
    """The value lists of every ``Literal[...]`` in an annotation's text, in the order written."""
    import ast

    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        return []
    found: list[list[Any]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and getattr(node.value, "id", getattr(node.value, "attr", "")) == "Literal":
            elts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            if all(isinstance(e, ast.Constant) for e in elts):
                found.append([e.value for e in elts])  # type: ignore[attr-defined]
    return found


def _in_source_order(expr: Any, literals: list[list[Any]]) -> Any:
    """``expr`` with each literal's values in the order the SDK wrote them.

    ``typing`` caches unions by equality and ``Literal`` equality ignores order, so an evaluated
    ``Optional[Literal["standard", "fast"]]`` can come back as ``Literal["fast", "standard"]``
    when another module wrote those values the other way round first — which module that is
    depends on import order, and the API quotes the values in its error texts in its own order.
    """
    if isinstance(expr, dict):
        if "lit" in expr:
            for written in literals:
                if len(written) == len(expr["lit"]) and set(map(repr, written)) == set(map(repr, expr["lit"])):
                    return {**expr, "lit": list(written)}
            return expr
        return {k: _in_source_order(v, literals) for k, v in expr.items()}
    if isinstance(expr, list):
        return [_in_source_order(v, literals) for v in expr]
    return expr


def _is_pathlike(tp: Any) -> bool:
    import os

    return tp is os.PathLike or te.get_origin(tp) is os.PathLike


def _is_sequence_not_str(tp: Any) -> bool:
    origin = te.get_origin(tp)
    return origin is not None and getattr(origin, "__name__", "") == "SequenceNotStr"


def _is_response_model(tp: Any) -> bool:
    """Response models (pydantic) accepted in message content: the SDK lets a caller pass a
    response block back; on the wire it is the param block of the same ``type``."""
    try:
        from pydantic import BaseModel
    except ImportError:  # pragma: no cover - pydantic is a dependency of the SDK
        return False
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return True
    if te.get_origin(tp) is te.Annotated or te.get_origin(tp) is typing.Union:
        return all(_is_response_model(a) for a in te.get_args(tp) if a is not type(None)) and \
            any(_is_response_model(a) for a in te.get_args(tp))
    return False


def _def_name(tp: type) -> str:
    mod = tp.__module__.removeprefix("anthropic.types.")
    return f"{mod}:{tp.__qualname__}"


def _sdk_file(tp: type) -> str:
    return "anthropic/" + tp.__module__.removeprefix("anthropic.").replace(".", "/") + ".py"


def _tag_of(defn: dict[str, Any]) -> tuple[str, list[Any], bool] | None:
    """``(key, values, required)`` of the literal key that tags this object, if any (a tool
    type may have two names: ``tool_search_tool_bm25_20251119`` and ``tool_search_tool_bm25``)."""
    for key in ("type", "role"):
        k = defn["keys"].get(key)
        if k and isinstance(k["type"], dict) and k["type"].get("lit"):
            return key, list(k["type"]["lit"]), k["required"]
        if k and isinstance(k["type"], dict) and "union" in k["type"]:
            lits = [m for m in k["type"]["union"] if isinstance(m, dict) and m.get("lit")]
            if len(lits) == 1 and all(m == "null" or m in lits for m in k["type"]["union"]):
                return key, list(lits[0]["lit"]), False  # Optional[Literal["custom"]]
    return None


def _union(members: list[Any], defs: dict[str, dict[str, Any]]) -> Any:
    flat: list[Any] = []
    for m in members:
        for x in (m["union"] if isinstance(m, dict) and "union" in m else [m]):
            if x not in flat:
                flat.append(x)
    refs = [m for m in flat if isinstance(m, dict) and "ref" in m]
    others = [m for m in flat if not (isinstance(m, dict) and "ref" in m)]
    tagged: dict[str, Any] | None = None
    if len(refs) >= 2:
        tags = [_tag_of(defs[r["ref"]]) for r in refs]
        keys = {t[0] for t in tags if t is not None}
        if len(keys) == 1 and all(t is not None for t in tags):
            key = keys.pop()
            cases: dict[str, Any] = {}
            default: str | None = None
            for r, t in zip(refs, tags):
                assert t is not None
                for value in t[1]:
                    cases[value] = {"ref": r["ref"]}
                if not t[2]:
                    default = r["ref"]
            tagged = {"tagged": key, "cases": cases}
            if default is not None:
                tagged["default"] = default
    if tagged is not None:
        refs = []
        others.append(tagged)
    out = [*others, *refs]
    return out[0] if len(out) == 1 else {"union": out}


# -- merging the stable and the beta trees --------------------------------------------------


class _Merger:
    def __init__(self, stable: dict[str, Any], beta: dict[str, Any]) -> None:
        self.s, self.b = stable, beta
        self.defs: dict[str, dict[str, Any]] = {}
        self._pairs: dict[tuple[str | None, str | None], str] = {}
        # Counterparts by name (``TextBlockParam`` ⇄ ``BetaTextBlockParam``), so an object met in
        # one tree only (inside a beta-only block) is still the one merged definition.
        self._s_by_short = _unique_by_short(stable)
        self._b_by_short = _unique_by_short(beta)

    def expr(self, a: Any, b: Any) -> Any:
        """Merge stable expression ``a`` with beta expression ``b`` (either may be None)."""
        if b is None:
            return self.only(a, beta=False)
        if a is None:
            return self.only(b, beta=True)
        if isinstance(a, str) and a == b:
            return a
        if isinstance(a, dict) and isinstance(b, dict):
            if "lit" in a and "lit" in b:
                extra = [v for v in b["lit"] if v not in a["lit"]]
                out: dict[str, Any] = {"lit": list(a["lit"])}
                if extra:
                    out["lit"] += extra
                    out["beta_values"] = extra
                return out
            for kind in ("list", "map"):
                if kind in a and kind in b:
                    return {kind: self.expr(a[kind], b[kind])}
            if "ref" in a and "ref" in b:
                return {"ref": self.pair(a["ref"], b["ref"])}
            if "tagged" in a and "tagged" in b and a["tagged"] == b["tagged"]:
                return self.tagged(a, b)
            if {"ref", "tagged"} & set(a) and {"ref", "tagged"} & set(b):
                ta, tb = self.as_tagged(a, self.s), self.as_tagged(b, self.b)
                if ta is not None and tb is not None and ta["tagged"] == tb["tagged"]:
                    return self.tagged(ta, tb)
        # Different forms: line the members up by kind.
        am, bm = _members(a), _members(b)
        if len(am) == 1 and len(bm) == 1:  # one object each, not comparable: keep both
            return {"union": [self.only(a, beta=False), self.only(b, beta=True)]}
        out_members: list[Any] = []
        used: set[int] = set()
        for x in am:
            j = next((j for j, y in enumerate(bm) if j not in used and _kind(y) == _kind(x)), None)
            if j is None:
                out_members.append(self.expr(x, None))
            else:
                used.add(j)
                out_members.append(self.expr(x, bm[j]))
        out_members += [self.expr(None, y) for j, y in enumerate(bm) if j not in used]
        return out_members[0] if len(out_members) == 1 else {"union": out_members}

    @staticmethod
    def as_tagged(x: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any] | None:
        """A lone object as a tagged union of one case (so it merges with a union of many)."""
        if "tagged" in x:
            return x
        tag = _tag_of(defs[x["ref"]])
        if tag is None:
            return None
        out: dict[str, Any] = {"tagged": tag[0], "cases": {v: {"ref": x["ref"]} for v in tag[1]}}
        if not tag[2]:
            out["default"] = x["ref"]
        return out

    def tagged(self, a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
        cases: dict[str, Any] = {}
        for tag in [*a["cases"], *(t for t in b["cases"] if t not in a["cases"])]:
            sa, sb = a["cases"].get(tag), b["cases"].get(tag)
            name = self.pair(sa["ref"] if sa else None, sb["ref"] if sb else None)
            cases[tag] = {"ref": name, "beta": sa is None}
        out = {"tagged": a["tagged"], "cases": cases}
        if "default" in a or "default" in b:
            out["default"] = self.pair(a.get("default"), b.get("default"))
        return out

    def only(self, x: Any, *, beta: bool, mark: bool = True) -> Any:
        """An expression that exists in one tree only (``beta``: the beta tree), copied in;
        ``mark`` flags its top as beta-only (what it holds is simply beta's)."""
        flag = beta and mark
        if isinstance(x, str):
            return {"scalar": x, "beta": True} if flag else x
        if "ref" in x:
            out: dict[str, Any] = {"ref": self.pair(None, x["ref"]) if beta else self.pair(x["ref"], None)}
        elif "tagged" in x:
            empty = {"tagged": x["tagged"], "cases": {}}
            out = self.tagged(empty, x) if beta else self.tagged(x, empty)
            if not flag:
                out["cases"] = {t: {**c, "beta": False} for t, c in out["cases"].items()}
        elif "lit" in x:
            out = {"lit": list(x["lit"])}
        elif "list" in x or "map" in x:
            kind = "list" if "list" in x else "map"
            out = {kind: self.only(x[kind], beta=beta, mark=False)}
        elif "union" in x:
            out = {"union": [self.only(m, beta=beta, mark=False) for m in x["union"]]}
        elif "scalar" in x:
            out = dict(x)
        else:  # pragma: no cover - every form is listed above
            raise TypeError(x)
        if flag:
            out["beta"] = True
        return out

    def pair(self, sa: str | None, sb: str | None) -> str:
        if sa is None and sb is not None:
            sa = self._s_by_short.get(_short(sb))
        elif sb is None and sa is not None:
            sb = self._b_by_short.get(_short(sa))
        key = (sa, sb)
        if key in self._pairs:
            return self._pairs[key]
        name = _short(sa or sb or "?")
        base, n = name, 2
        while name in self.defs:
            name, n = f"{base}~{n}", n + 1
        self._pairs[key] = name
        da = self.s.get(sa) if sa else None
        db = self.b.get(sb) if sb else None
        entry: dict[str, Any] = {"keys": {}, "sdk": (da or db or {}).get("sdk")}
        if da is None:
            entry["beta"] = True
        self.defs[name] = entry
        ka = da["keys"] if da else {}
        kb = db["keys"] if db else {}
        for key in [*ka, *(k for k in kb if k not in ka)]:
            x, y = ka.get(key), kb.get(key)
            if da is None or db is None:  # an object of one tree only: its keys are that tree's
                typ = self.only((x or y)["type"], beta=da is None, mark=False)
            else:
                typ = self.expr(x["type"] if x else None, y["type"] if y else None)
            merged: dict[str, Any] = {"type": typ, "required": (x or y or {}).get("required", False)}
            if da is not None and x is None:
                merged["beta"] = True
            entry["keys"][key] = merged
        if (da or {}).get("open") or (db or {}).get("open"):
            entry["open"] = True
        return name


def _unique_by_short(defs: dict[str, Any]) -> dict[str, str]:
    seen: dict[str, list[str]] = {}
    for name in defs:
        seen.setdefault(_short(name), []).append(name)
    return {short: names[0] for short, names in seen.items() if len(names) == 1}


def _members(x: Any) -> list[Any]:
    return list(x["union"]) if isinstance(x, dict) and "union" in x else [x]


def _kind(x: Any) -> str:
    if isinstance(x, str):
        return x
    for k in ("lit", "list", "map", "tagged", "ref", "scalar"):
        if k in x:
            return "obj" if k in ("tagged", "ref") else k
    return "?"


def _short(name: str) -> str:
    """``beta.beta_text_block_param:BetaTextBlockParam`` → ``TextBlockParam``."""
    qual = name.split(":", 1)[-1]
    return qual.removeprefix("Beta") if qual.startswith("Beta") and qual[4:5].isupper() else qual


# -- the file ----------------------------------------------------------------------------------


def generate() -> dict[str, Any]:
    """The shape document for the installed SDK (imports it: about 2 s)."""
    import anthropic
    from anthropic._constants import ANTHROPIC_API_VERSION
    from anthropic.types import message_create_params as stable_params
    from anthropic.types.beta import message_create_params as beta_params

    stable, beta = _Reader(), _Reader()
    s_root = stable.expr(stable_params.MessageCreateParamsNonStreaming)
    b_root = beta.expr(beta_params.MessageCreateParamsNonStreaming)
    for reader, root in ((stable, s_root), (beta, b_root)):
        keys = reader.defs[root["ref"]]["keys"]
        for option in HEADER_OPTIONS:
            keys.pop(option, None)
        keys["stream"] = {"type": "bool", "required": False}  # streaming and not: one body
    merger = _Merger(stable.defs, beta.defs)
    root = merger.expr(s_root, b_root)
    beta_names = _literal_values(beta.expr(_beta_param_type()))
    return {
        "_comment": "Generated by `python -m tui.core.apigen` from the installed anthropic SDK; "
                    "do not edit by hand (tests/test_api_shapes.py fails when it is stale). "
                    "See the module docstring of tui/core/apigen.py for the expression forms.",
        "sdk_version": anthropic.__version__,
        "api_version": ANTHROPIC_API_VERSION,
        "header_options": list(HEADER_OPTIONS),
        "beta_headers": sorted(beta_names),
        "root": root["ref"],
        "defs": merger.defs,
    }


def _beta_param_type() -> Any:
    from anthropic.types.anthropic_beta_param import AnthropicBetaParam

    return AnthropicBetaParam


def _literal_values(x: Any) -> list[str]:
    return [v for m in _members(x) if isinstance(m, dict) and "lit" in m for v in m["lit"]]


def render(doc: Mapping[str, Any]) -> str:
    return json.dumps(doc, indent=1, sort_keys=False, ensure_ascii=False) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tui.core.apigen", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say whether the shipped file is current")
    parser.add_argument("-o", "--output", type=Path, default=OUT)
    args = parser.parse_args(argv)
    text = render(generate())
    current = args.output.read_text("utf-8") if args.output.exists() else ""
    if args.check:
        if text != current:
            print(f"{args.output} is stale: run `python -m tui.core.apigen`", file=sys.stderr)
            return 1
        print(f"{args.output} matches the installed SDK")
        return 0
    from tui.core.export.atomic import write_atomic

    write_atomic(args.output, text, overwrite=True)
    print(f"wrote {args.output} ({len(text):,} bytes) from anthropic {json.loads(text)['sdk_version']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
