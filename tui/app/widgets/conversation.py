"""The conversation tree: request → system, tools, messages → content blocks (or, for the OpenAI
Responses API, instructions, tools, input → items → content parts); response; error.

Children are created when a node is first expanded (TECH_NOTES.md §5.1: a Tree builds at about
20–40k nodes/s), so a 5,000-message conversation opens at once.  Labels mask only the text they
draw (:func:`tui.app.labels.safe_text`), never the whole document, so a rebuild costs what its
visible labels cost.  The widget renders the document it is given and posts
:class:`ConversationTree.NodeChosen`; it never calls the core.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from tui.app.labels import (
    MARK,
    DocPath,
    Marks,
    Pairs,
    block_label,
    bounded,
    item_label,
    message_label,
    safe_key,
    safe_text,
    tool_call_label,
    with_mark,
)
from tui.core.paths import get

REQUEST_KEYS = ("system", "instructions", "tools", "messages", "input")
"""The request members the tree shows (Anthropic, Chat Completions and Responses bodies)."""
LISTS = ("messages", "input")
"""Request lists whose items carry their content blocks one level down (the tree skips it)."""
MAX_CHILDREN = 20_000
"""A message's content list longer than this shows its first blocks and a note."""
CHUNK = 200
"""Items of a long list built at a time: a Tree adds ~10-20k nodes/s with labels, so building
all 5,000 messages of a request cost 0.4 s on every open and every refresh."""
TAIL = 50
"""A long list also shows its last items at once (where the final turn and its faults are)."""


@dataclass(slots=True)
class NodeRef:
    path: DocPath
    loaded: bool = False
    gap: tuple[int, int] | None = None
    """For a placeholder node: the items ``[start, end)`` of the list at ``path`` not built yet."""


def resolve(doc: Any, path: DocPath) -> Any:
    """The node's value, or None (a tolerant lookup: the document may be any shape)."""
    return get(doc, path)


class ConversationTree(Tree[NodeRef]):
    """Lazily built tree over ``{"request": …, "response": …, "error": …}``."""

    class NodeChosen(Message):
        def __init__(self, path: DocPath) -> None:
            super().__init__()
            self.path = path

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("payload", NodeRef(()), id=id)
        self.show_root = False
        self.guide_depth = 3
        self.doc: dict[str, Any] = {}
        self.marks = Marks()
        self.pairs = Pairs()
        self._by_path: dict[DocPath, TreeNode[NodeRef]] = {}
        self._last_line = -1

    # -- building --------------------------------------------------------------------------
    def show(self, doc: dict[str, Any], marks: Marks, *, keep: DocPath | None = None) -> None:
        """Rebuild for a new document; re-reveal ``keep`` (the node the user was on).

        Every label masks what it draws: a key pasted into a prompt is never shown.  (Masking
        the whole document here cost O(document) on every refresh, for labels that show 60
        characters each.)
        """
        self.doc = doc
        self.marks = marks
        self.pairs = Pairs.of(doc.get("request"))
        self.clear()
        self._by_path = {(): self.root}
        self.root.data = NodeRef((), loaded=True)
        for key in ("request", "response", "replay", "error"):
            if doc.get(key) is not None:
                node = self._add(self.root, (key,))
                if key == "request":
                    self._load(node)
                    node.expand()
                    for name in LISTS:
                        lst = self._by_path.get(("request", name))
                        if lst is not None and isinstance(resolve(doc, ("request", name)), list):
                            self._load(lst)
                            lst.expand()
        if keep:
            self.reveal(keep)

    def _add(self, parent: TreeNode[NodeRef], path: DocPath,
             before: TreeNode[NodeRef] | None = None) -> TreeNode[NodeRef]:
        value = resolve(self.doc, path)
        expandable = isinstance(value, (dict, list)) and bool(value) and self._has_children(path, value) and (
            isinstance(value, list) or bool(self._children(path, value)))  # no ▶ that opens on nothing
        node = parent.add(self._label(path, value), NodeRef(path), before=before, allow_expand=expandable)
        self._by_path[path] = node
        return node

    @staticmethod
    def _has_children(path: DocPath, value: Any) -> bool:
        """A text block (or Responses text part) is a leaf: the detail pane shows its text."""
        return not (len(path) == 5 and path[1] in LISTS and isinstance(value, dict)
                    and value.get("type") in ("text", "input_text", "output_text"))

    def _children(self, path: DocPath, value: Any) -> list[DocPath]:
        if path == ("request",) and isinstance(value, dict):
            keys = [k for k in REQUEST_KEYS if k in value]
            return [(*path, k) for k in keys]
        if isinstance(value, list):
            return [(*path, i) for i in range(len(value))]
        if isinstance(value, dict):
            if len(path) == 3 and path[0] == "request" and path[1] in LISTS and isinstance(value.get("content"), list):
                content = [(*path, "content", i) for i in range(min(len(value["content"]), MAX_CHILDREN))]
                rest = [(*path, k) for k in value
                        if k != "content" and isinstance(value[k], (dict, list)) and value[k]]
                return content + rest
            return [(*path, k) for k in value if isinstance(value[k], (dict, list)) and value[k]]
        return []

    def _load(self, node: TreeNode[NodeRef]) -> None:
        ref = node.data
        if ref is None or ref.loaded:
            return
        ref.loaded = True
        value = resolve(self.doc, ref.path)
        children = self._children(ref.path, value)
        if isinstance(value, list) and len(value) > 2 * CHUNK + TAIL:
            n = len(value)
            for child in children[:CHUNK]:
                self._add(node, child)
            node.add_leaf(self._gap_label(ref.path, CHUNK, n - TAIL),
                          NodeRef(ref.path, loaded=True, gap=(CHUNK, n - TAIL)))
            for child in children[n - TAIL:]:
                self._add(node, child)
            return
        for child in children[:MAX_CHILDREN]:
            self._add(node, child)
        if len(children) > MAX_CHILDREN:
            node.add_leaf(Text(f"… {len(children) - MAX_CHILDREN:,} more not shown", style="dim"),
                          NodeRef(ref.path, loaded=True))

    def _gap_label(self, path: DocPath, start: int, end: int) -> Text:
        """``… 4,750 more (#200–#4949); move here to show them  ✖ [1,187]``."""
        t = Text(f"… {end - start:,} more (#{start}–#{end - 1}); move here to show them", style="dim")
        depth = len(path) + 1
        worst = None
        count = 0
        for p, n in self.marks.below.items():
            if len(p) == depth and p[:-1] == path and isinstance(p[-1], int) and start <= p[-1] < end:
                count += n
                sev = self.marks.worst[p]
                worst = sev if worst is None or sev.rank < worst.rank else worst
        if worst is not None:
            sym, style = MARK[worst]
            t.append(f"  {sym} [{count:,}]", style=style)
        return Text("  ") + t

    def _fill(self, gap: TreeNode[NodeRef], around: int | None = None,
              from_end: bool = False) -> TreeNode[NodeRef] | None:
        """Build up to CHUNK items of a gap (around item ``around``, or at the end of the gap the
        cursor came from); return the node to move to."""
        ref = gap.data
        parent = gap.parent
        if ref is None or ref.gap is None or parent is None:
            return None
        start, end = ref.gap
        if around is not None:
            a = max(start, around - CHUNK // 2)
            b = min(end, a + CHUNK)
            a = max(start, b - CHUNK)
        elif from_end:
            a, b = max(start, end - CHUNK), end
        else:
            a, b = start, min(end, start + CHUNK)
        if a > start:
            parent.add_leaf(self._gap_label(ref.path, start, a),
                            NodeRef(ref.path, loaded=True, gap=(start, a)), before=gap)
        for i in range(a, b):
            self._add(parent, (*ref.path, i), before=gap)
        if b < end:
            ref.gap = (b, end)
            gap.set_label(self._gap_label(ref.path, b, end))
        else:
            gap.remove()
        target = around if around is not None else (b - 1 if from_end else a)
        return self._by_path.get((*ref.path, target))

    def _gap_for(self, node: TreeNode[NodeRef], index: int) -> TreeNode[NodeRef] | None:
        for child in node.children:
            g = child.data.gap if child.data is not None else None
            if g is not None and g[0] <= index < g[1]:
                return child
        return None

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[NodeRef]) -> None:
        self._load(event.node)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[NodeRef]) -> None:
        ref = event.node.data
        came_from_below = self._last_line > event.node.line
        self._last_line = event.node.line
        if ref is None:
            return
        if ref.gap is not None:
            target = self._fill(event.node, from_end=came_from_below)
            if target is not None:
                self._tree_lines  # line numbers for the new nodes
                self.move_cursor(target)
            return
        self.post_message(self.NodeChosen(ref.path))

    def get_label_width(self, node: TreeNode[NodeRef]) -> int:
        """The width from the label's plain text: Tree's default renders every label of the tree
        again (0.25 s for 5,000 messages) whenever a node is expanded."""
        icon = (self.ICON_NODE_EXPANDED if node.is_expanded else self.ICON_NODE) if node.allow_expand else ""
        full = cell_len(icon) + cell_len(node.label.plain)
        room = self._room(node)
        return full if room is None else min(full, room)

    def render_label(self, node: TreeNode[NodeRef], base_style: Style, style: Style) -> Text:
        """The label, ending in ``…`` at the pane's edge instead of being clipped there: a
        narrow pane (80 columns) still says that a label goes on, and the detail pane shows it
        whole.  Marks and pairing arrows come first in every label, so they are never the part cut."""
        text = super().render_label(node, base_style, style)
        room = self._room(node)
        if room is not None and text.cell_len > room:
            text = text.copy()
            text.truncate(room, overflow="ellipsis")
        return text

    def _room(self, node: TreeNode[NodeRef]) -> int | None:
        """Cells left for ``node``'s label after the guides of its depth (None before layout)."""
        width = self.scrollable_content_region.width
        if width <= 0:
            return None
        depth = 0
        parent = node.parent
        while parent is not None:
            depth += 1
            parent = parent.parent
        return max(8, width - self.guide_depth * max(0, depth - (0 if self.show_root else 1)))

    # -- labels ----------------------------------------------------------------------------
    def _label(self, path: DocPath, value: Any) -> Text:
        return with_mark(self._base_label(path, value), path, self.marks)

    def _base_label(self, path: DocPath, value: Any) -> Text:
        if len(path) == 1:
            return self._top_label(path[0], value)
        if len(path) == 2 and path[0] == "request":
            t = Text(safe_key(path[1]), style="bold")
            if isinstance(value, (list, dict)):
                t.append(f" ({len(value):,})", style="dim")
            else:
                t.append(" " + self._scalar(path[1], value), style="dim")
            return t
        if len(path) == 3 and path[0] == "request" and isinstance(path[2], int):
            if path[1] == "messages":
                return message_label(path[2], value, self.pairs)
            if path[1] == "input":
                return item_label(path[2], value, path, self.pairs)
        if path[:2] == ("request", "tools") and len(path) == 3:
            fn = value.get("function") if isinstance(value, dict) else None
            name = (value.get("name") if isinstance(value, dict) else None) or (
                fn.get("name") if isinstance(fn, dict) else None)
            kind = value.get("type") if isinstance(value, dict) else None
            t = Text(safe_text(name or kind or "?", 60), style="magenta")
            if kind:
                t.append(f" ({safe_text(kind, 30)})", style="dim")
            return t
        last = path[-1]
        if isinstance(last, int) and len(path) >= 2 and path[-2] == "content":
            return block_label(value, path, self.pairs)
        if isinstance(last, int) and len(path) == 5 and path[3] == "tool_calls":
            return tool_call_label(value, path, self.pairs)
        key = Text(safe_key(last), style="bold" if isinstance(last, str) else "dim")
        if isinstance(value, (dict, list)):
            key.append(f" ({len(value):,})", style="dim")
        else:
            key.append(": " + self._scalar(last, value))
        return key

    @staticmethod
    def _scalar(key: str | int, value: Any) -> str:
        """A scalar as drawn, masked by the same rules as the detail pane (a value under a
        secret-named key is masked whole)."""
        shown = bounded({key: value}, lines=4)
        return safe_text(next(iter(shown.values()), ""), 60)

    def _top_label(self, key: str | int, value: Any) -> Text:
        if key == "request" and isinstance(value, dict):
            t = Text("request", style="bold")
            model = value.get("model")
            t.append(f" {safe_text(model, 40)}" if model else "", style="cyan")
            msgs = value.get("messages")
            if isinstance(msgs, list):
                t.append(f" · {len(msgs):,} messages", style="dim")
            items = value.get("input")
            if isinstance(items, list):
                t.append(f" · {len(items):,} input items", style="dim")
            return t
        if key in ("response", "replay") and isinstance(value, dict):
            t = Text("response" if key == "response" else "replay response", style="bold green")
            choices = value.get("choices")
            first = choices[0] if isinstance(choices, list) and choices and isinstance(choices[0], dict) else {}
            stop = value.get("stop_reason") or value.get("status") or first.get("finish_reason")
            if stop is not None:
                t.append(f" {safe_text(stop, 20)}", style="dim")
            usage = value.get("usage")
            if isinstance(usage, dict):
                tin = usage.get("input_tokens", usage.get("prompt_tokens"))
                tout = usage.get("output_tokens", usage.get("completion_tokens"))
                if tin is not None or tout is not None:
                    t.append(f" · {safe_text(tin if tin is not None else '?', 12)} in / "
                             f"{safe_text(tout if tout is not None else '?', 12)} out", style="dim")
            return t
        if key == "error":
            t = Text("error", style="bold red")
            err = value.get("error") if isinstance(value, dict) else None
            if isinstance(err, dict):
                kind, msg = err.get("type"), err.get("message")
                if kind is not None:
                    t.append(f" {safe_text(kind, 30)}")
                if msg is not None:
                    t.append(f"{':' if kind is not None else ''} {safe_text(msg, 60)}")
            elif isinstance(err, str):
                t.append(f" {safe_text(err, 60)}")
            return t
        return Text(safe_key(key), style="bold")

    # -- navigation ------------------------------------------------------------------------
    def reveal(self, path: DocPath) -> bool:
        """Expand the ancestors of ``path`` (building them), move the cursor there."""
        node = self.root
        best = None
        for i in range(1, len(path) + 1):
            prefix = path[:i]
            if prefix not in self._by_path:
                self._load(node)
                gap = self._gap_for(node, prefix[-1]) if isinstance(prefix[-1], int) else None
                if gap is not None:
                    self._fill(gap, around=prefix[-1])
            if not node.is_expanded and prefix in self._by_path:
                node.expand()  # only when needed: each expand re-measures every line of the tree
            nxt = self._by_path.get(prefix)
            if nxt is None:
                continue  # a level the tree skips (a message's "content" list)
            node = nxt
            best = node
        if best is None:
            return False
        if best.parent is not None and not best.parent.is_expanded:
            best.parent.expand()
        self._tree_lines  # rebuild the line cache now, so the new nodes have their line numbers
        self.move_cursor(best)
        self.scroll_to_node(best, animate=False)
        self.scroll_to(x=0, animate=False)  # keep the tree's guides in view; labels may be cut
        return True

    @property
    def cursor_path(self) -> DocPath:
        node = self.cursor_node
        return node.data.path if node is not None and node.data is not None else ()
