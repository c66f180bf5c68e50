"""The agents' workspace (the desk), as rules: who counts as available, when a silent desk is
forgotten, and the words of its refusals. No I/O; times come in as arguments."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from shared_protocol import ErrorCode, ProtocolError
from shared_protocol.desk import BEAT_EVERY, AgentStatus, DeskAgent

STALE_AFTER = 3 * BEAT_EVERY  # seconds without a beat after which a desk no longer counts
SWEEP_EVERY = 5.0  # seconds between two looks for silent desks (on every node)
STATUSES: tuple[AgentStatus, ...] = ("available", "away")


@dataclass(frozen=True)
class AgentState:
    """What the desk needs of an agent's row."""

    agent_id: str
    name: str
    role: str
    status: str
    chat_cap: int = 3
    open_chats: int = 0


def agent_view(agent: AgentState, connected: bool) -> DeskAgent:
    status: AgentStatus = "available" if agent.status == "available" else "away"
    return DeskAgent(
        agent_id=agent.agent_id,
        name=agent.name,
        role="owner" if agent.role == "owner" else "agent",
        status=status,
        connected=connected,
        available=connected and status == "available",
        chat_cap=agent.chat_cap,
        open_chats=agent.open_chats,
    )


def someone_available(workspace: bool, agents: Iterable[DeskAgent]) -> bool:
    """The store's pages offer "Talk to us" only with the workspace on and an agent reachable."""
    return workspace and any(a.available for a in agents)


def latch_value(enabled: bool, available: bool) -> str:
    """The talk state as the roster's latch keeps it."""
    return f"{int(enabled)}{int(available)}"


def from_latch(value: str) -> tuple[bool, bool]:
    return value[:1] == "1", value[1:2] == "1"


def for_agents_only() -> ProtocolError:
    return ProtocolError(
        ErrorCode.FORBIDDEN,
        "the workspace is for agents: sign in to the console with your own email and password",
    )
