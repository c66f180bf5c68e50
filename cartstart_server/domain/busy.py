"""Busy status, as rules (docs/agents.md "Busy status"): a product some agents handle is busy
while every one of them is in a running call, available otherwise. No I/O."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import cast

from shared_protocol import ErrorCode, ProtocolError
from shared_protocol.desk import ProductTalk

# product id -> (its state, the names of its agents when busy)
States = dict[str, tuple[ProductTalk, list[str]]]


def states(handlers: Iterable[tuple[str, str, str]], in_call: set[str]) -> States:
    """`handlers`: (product id, agent id, agent name), a product's agents together."""
    agents: dict[str, list[tuple[str, str]]] = {}
    for product_id, agent_id, name in handlers:
        agents.setdefault(product_id, []).append((agent_id, name))
    out: States = {}
    for product_id, its in agents.items():
        if all(agent_id in in_call for agent_id, _ in its):
            out[product_id] = ("busy", [name for _, name in its])
        else:
            out[product_id] = ("available", [])
    return out


def latch_value(found: States) -> str:
    """The states as the roster's latch keeps them (and the busy topic carries them): one
    canonical text, so an unchanged state is an unchanged latch."""
    return json.dumps({p: [s, n] for p, (s, n) in sorted(found.items())}, separators=(",", ":"))


def from_latch(value: str) -> States:
    raw = json.loads(value) if value else {}
    return {p: (cast(ProductTalk, s), list(n)) for p, (s, n) in raw.items()}


def frame_text(store_id: str, value: str) -> str:
    """What the busy topic carries: the store (a page follows several) and its latch value."""
    return json.dumps({"store_id": store_id, "states": value})


def from_frame_text(text: str) -> tuple[str, States]:
    raw = json.loads(text)
    return str(raw["store_id"]), from_latch(str(raw["states"]))


def no_such_agent() -> ProtocolError:
    return ProtocolError(ErrorCode.NOT_FOUND, "no such agent of this store")
