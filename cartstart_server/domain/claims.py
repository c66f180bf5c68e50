"""Who helps a visitor: the rules of taking a conversation (docs/agents.md "Taking a visitor").

A conversation (a live session) is free until an agent takes it; then only that agent acts in
it on the store's side (owners may take it over explicitly, the store's key is not a person and
is not held back). An agent holds at most `chat_cap` conversations at once.
"""

from __future__ import annotations

from shared_protocol import ErrorCode, ProtocolError

from .selling import Speaker

CAP_MIN, CAP_MAX, CAP_DEFAULT = 1, 20, 3


def taken_by(name: str, agent_id: str) -> ProtocolError:
    """Another agent holds the conversation."""
    who = name.strip() or "another agent"
    return ProtocolError(
        ErrorCode.FORBIDDEN,
        f"{who} is helping this visitor",
        agent_id=agent_id,
        agent_name=name,
    )


def at_capacity(cap: int, open_chats: int) -> ProtocolError:
    chats = "chat" if open_chats == 1 else "chats"
    return ProtocolError(
        ErrorCode.AT_CAPACITY,
        f"you have {open_chats} {chats} open: close or hand one over first",
        cap=cap,
        open=open_chats,
    )


def only_owners_take_over() -> ProtocolError:
    return ProtocolError(
        ErrorCode.FORBIDDEN, "only an owner of the store can take over another agent's visitor"
    )


def not_yours() -> ProtocolError:
    return ProtocolError(ErrorCode.FORBIDDEN, "you are not helping this visitor")


def key_is_not_an_agent() -> ProtocolError:
    return ProtocolError(
        ErrorCode.FORBIDDEN, "conversations are taken by agents: sign in as yourself"
    )


def holds_back(speaker: Speaker, holder: str | None) -> bool:
    """Whether the conversation's holder keeps this store-side speaker from acting in it: an
    agent other than the holder (the visitor and the store's key are never held back)."""
    return (
        speaker.side == "store"
        and speaker.agent_id is not None
        and holder is not None
        and holder != speaker.agent_id
    )
