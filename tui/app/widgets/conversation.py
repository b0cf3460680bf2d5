"""The conversation tree: request → system, tools, messages → content blocks; response; error.

Children are created when a node is first expanded (TECH_NOTES.md §5.1: a Tree builds at about
20–40k nodes/s), so a 5,000-message conversation opens at once.  The widget renders the document
it is given and posts :class:`ConversationTree.NodeChosen`; it never calls the core.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from tui.app.labels import DocPath, Marks, Pairs, block_label, message_label, with_mark
from tui.core.display import one_line
from tui.core.paths import get
from tui.core.redact import redact_value

MAX_CHILDREN = 20_000
"""A list longer than this shows its first entries and a note (a tree is not a data dump)."""


@dataclass(slots=True)
class NodeRef:
    path: DocPath
    loaded: bool = False


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

    # -- building --------------------------------------------------------------------------
    def show(self, doc: dict[str, Any], marks: Marks, *, keep: DocPath | None = None) -> None:
        """Rebuild for a new document; re-reveal ``keep`` (the node the user was on).

        Labels are built from a redacted copy: a key pasted into a prompt is never drawn.
        """
        self.doc = redact_value(doc)
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
                    msgs = self._by_path.get(("request", "messages"))
                    if msgs is not None:
                        self._load(msgs)
                        msgs.expand()
        if keep:
            self.reveal(keep)

    def _add(self, parent: TreeNode[NodeRef], path: DocPath) -> TreeNode[NodeRef]:
        value = resolve(self.doc, path)
        expandable = isinstance(value, (dict, list)) and bool(value) and self._has_children(path, value)
        node = parent.add(self._label(path, value), NodeRef(path), allow_expand=expandable)
        self._by_path[path] = node
        return node

    @staticmethod
    def _has_children(path: DocPath, value: Any) -> bool:
        return not (len(path) == 5 and path[1] == "messages" and isinstance(value, dict)
                    and value.get("type") == "text")

    def _children(self, path: DocPath, value: Any) -> list[DocPath]:
        if path == ("request",) and isinstance(value, dict):
            keys = [k for k in ("system", "tools", "messages") if k in value]
            return [(*path, k) for k in keys]
        if isinstance(value, list):
            return [(*path, i) for i in range(min(len(value), MAX_CHILDREN))]
        if isinstance(value, dict):
            if path[:2] == ("request", "messages") and len(path) == 3 and isinstance(value.get("content"), list):
                return [(*path, "content", i) for i in range(min(len(value["content"]), MAX_CHILDREN))]
            return [(*path, k) for k in value if isinstance(value[k], (dict, list)) and value[k]]
        return []

    def _load(self, node: TreeNode[NodeRef]) -> None:
        ref = node.data
        if ref is None or ref.loaded:
            return
        ref.loaded = True
        value = resolve(self.doc, ref.path)
        children = self._children(ref.path, value)
        for child in children:
            self._add(node, child)
        total = len(value) if isinstance(value, list) else 0
        if total > len(children) and isinstance(value, list):
            node.add_leaf(Text(f"… {total - len(children)} more not shown", style="dim"), NodeRef(ref.path))

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[NodeRef]) -> None:
        self._load(event.node)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[NodeRef]) -> None:
        if event.node.data is not None:
            self.post_message(self.NodeChosen(event.node.data.path))

    # -- labels ----------------------------------------------------------------------------
    def _label(self, path: DocPath, value: Any) -> Text:
        return with_mark(self._base_label(path, value), path, self.marks)

    def _base_label(self, path: DocPath, value: Any) -> Text:
        if len(path) == 1:
            return self._top_label(path[0], value)
        if len(path) == 2 and path[0] == "request":
            n = len(value) if isinstance(value, list) else None
            t = Text(str(path[1]), style="bold")
            if n is not None:
                t.append(f" ({n})", style="dim")
            elif isinstance(value, str):
                t.append(" " + one_line(value, 60), style="dim")
            return t
        if path[:2] == ("request", "messages") and len(path) == 3 and isinstance(path[2], int):
            return message_label(path[2], value)
        if path[:2] == ("request", "tools") and len(path) == 3:
            name = value.get("name") if isinstance(value, dict) else None
            kind = value.get("type") if isinstance(value, dict) else None
            t = Text(one_line(str(name or kind or "?"), 60), style="magenta")
            if kind:
                t.append(f" ({one_line(str(kind), 30)})", style="dim")
            return t
        last = path[-1]
        if isinstance(last, int) and len(path) >= 2 and path[-2] == "content":
            return block_label(value, path, self.pairs)
        key = Text(f"{last}", style="bold" if isinstance(last, str) else "dim")
        if isinstance(value, (dict, list)):
            key.append(f" ({len(value)})", style="dim")
        else:
            key.append(": " + one_line(str(value), 60))
        return key

    def _top_label(self, key: str | int, value: Any) -> Text:
        if key == "request" and isinstance(value, dict):
            t = Text("request", style="bold")
            model = value.get("model")
            t.append(f" {one_line(str(model), 40)}" if model else "", style="cyan")
            msgs = value.get("messages")
            if isinstance(msgs, list):
                t.append(f" · {len(msgs)} messages", style="dim")
            return t
        if key in ("response", "replay") and isinstance(value, dict):
            t = Text("response" if key == "response" else "replay response", style="bold green")
            t.append(f" {one_line(str(value.get('stop_reason')), 20)}", style="dim")
            usage = value.get("usage")
            if isinstance(usage, dict):
                t.append(f" · {usage.get('input_tokens', '?')} in / {usage.get('output_tokens', '?')} out",
                         style="dim")
            return t
        if key == "error":
            t = Text("error", style="bold red")
            err = value.get("error") if isinstance(value, dict) else None
            if isinstance(err, dict):
                t.append(f" {one_line(str(err.get('type')), 30)}: {one_line(str(err.get('message')), 60)}")
            return t
        return Text(str(key), style="bold")

    # -- navigation ------------------------------------------------------------------------
    def reveal(self, path: DocPath) -> bool:
        """Expand the ancestors of ``path`` (building them), move the cursor there."""
        node = self.root
        best = None
        for i in range(1, len(path) + 1):
            prefix = path[:i]
            if prefix not in self._by_path:
                self._load(node)
                node.expand()
            nxt = self._by_path.get(prefix)
            if nxt is None:
                continue  # a level the tree skips (a message's "content" list)
            node = nxt
            best = node
        if best is None:
            return False
        if best.parent is not None:
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
