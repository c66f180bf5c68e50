"""The marketplace's classification tree, as rules: industry -> area -> category -> subcategory,
what an imported tree must look like, paths and names, and the refusals' words."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from shared_protocol import ErrorCode, ProtocolError
from shared_protocol.i18n import LANGUAGES

LEVELS = ("industry", "area", "category", "subcategory")
LEAF = len(LEVELS) - 1  # products map into subcategories only
TREE_VERSION = 1
MAX_NODES = 10_000
MAX_NAME = 120
_ID = re.compile(r"^[a-z0-9-]{1,40}$")


@dataclass(frozen=True, slots=True)
class Node:
    id: str
    parent: str | None
    level: int  # 0 industry .. 3 subcategory
    position: int  # order among its siblings
    names: dict[str, str]  # one per language

    def name(self, lang: str) -> str:
        return self.names.get(lang) or self.names["en"]


class Tree:
    """The tree in memory: nodes by id, children in order."""

    def __init__(self, nodes: Iterable[Node]) -> None:
        self.nodes: dict[str, Node] = {n.id: n for n in nodes}
        self.children: dict[str | None, list[Node]] = {}
        for node in sorted(self.nodes.values(), key=lambda n: (n.level, n.position)):
            self.children.setdefault(node.parent, []).append(node)

    def path(self, node_id: str | None) -> list[Node]:
        """Industry down to the node; [] when the node is unknown (or None: unmapped)."""
        out: list[Node] = []
        current = self.nodes.get(node_id) if node_id else None
        while current is not None:
            out.append(current)
            current = self.nodes.get(current.parent) if current.parent else None
        return out[::-1]

    def leaves(self) -> set[str]:
        return {n.id for n in self.nodes.values() if n.level == LEAF}

    def check_filter(self, node_id: str, level: int) -> str:
        """A filter on the tree must name a node of that level."""
        node = self.nodes.get(node_id)
        if node is None or node.level != level:
            raise unknown_category(node_id, LEVELS[level])
        return node_id

    def export(self) -> dict[str, Any]:
        def out(node: Node) -> dict[str, Any]:
            kids = [out(c) for c in self.children.get(node.id, [])]
            doc: dict[str, Any] = {"id": node.id, "names": dict(node.names)}
            return {**doc, "children": kids} if node.level < LEAF else doc

        return {"version": TREE_VERSION, "nodes": [out(n) for n in self.children.get(None, [])]}


def parse_tree(doc: Any) -> list[Node]:
    """An imported tree (JSON, as `Tree.export` writes it), checked: exactly four levels, ids
    `[a-z0-9-]{1,40}` unique in the whole tree, a name in every language."""
    if not isinstance(doc, dict) or doc.get("version") != TREE_VERSION:
        raise _bad(f'a tree is {{"version": {TREE_VERSION}, "nodes": [...]}}')
    nodes: list[Node] = []
    seen: set[str] = set()

    def walk(items: Any, parent: str | None, level: int, where: str) -> None:
        if not isinstance(items, list) or not items:
            raise _bad(f"{where} needs a non-empty list of {LEVELS[level]} nodes")
        for position, item in enumerate(items):
            if not isinstance(item, dict):
                raise _bad(f"{where}: every node is an object with id and names")
            node_id = item.get("id")
            if not isinstance(node_id, str) or not _ID.match(node_id):
                raise _bad(f"{where}: the id {node_id!r} is not 1 to 40 of a-z, 0-9 and '-'")
            if node_id in seen:
                raise _bad(f"the id {node_id!r} appears twice: ids are unique in the tree")
            seen.add(node_id)
            names = item.get("names")
            if not isinstance(names, dict) or any(
                not isinstance(names.get(lang), str)
                or not 1 <= len(names[lang].strip()) <= MAX_NAME
                for lang in LANGUAGES
            ):
                langs = " and ".join(LANGUAGES)
                raise _bad(f"{node_id!r} needs names in {langs} (1 to {MAX_NAME} characters)")
            clean = {lang: names[lang].strip() for lang in LANGUAGES}
            nodes.append(Node(node_id, parent, level, position, clean))
            if len(nodes) > MAX_NODES:
                raise _bad(f"a tree has at most {MAX_NODES} nodes")
            children = item.get("children")
            if level == LEAF:
                if children:
                    raise _bad(f"{node_id!r} is a subcategory: the tree has four levels only")
            else:
                walk(children, node_id, level + 1, repr(node_id))

    walk(doc.get("nodes"), None, 0, "the tree")
    return nodes


def check_in_use(new_leaves: set[str], mapped: Iterable[str]) -> None:
    """A tree import may not take away a subcategory products are mapped into."""
    missing = sorted(set(mapped) - new_leaves)
    if missing:
        raise ProtocolError(
            ErrorCode.CATEGORY_IN_USE,
            f"products are mapped into {missing[0]!r}, which the new tree does not have "
            "as a subcategory: keep it, or let the stores map those products elsewhere first",
            category=missing[0],
            categories=missing[:50],
        )


def unknown_category(node_id: str, level: str = "subcategory") -> ProtocolError:
    return ProtocolError(
        ErrorCode.UNKNOWN_CATEGORY,
        f"{node_id!r} is not a {level} of the marketplace's tree",
        category=node_id,
    )


def _bad(reason: str) -> ProtocolError:
    return ProtocolError(ErrorCode.INVALID_MESSAGE, f"tree not imported: {reason}")
