"""The desk channel (`/ws/desk`): the agents' workspace in the console (docs/agents.md).

An agent's console opens one desk connection with its agent token (a store's API key is refused:
the workspace is for people). It says whether the agent is Available or Away, beats while open,
and hears the store's agents change. An agent counts as available only while Available *and*
connected here (a beat at least every 45 s); the store's pages show "Talk to us" while one is.

Later slices carry the visitor list and conversations on this same channel.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from .common import CommandId, ErrorMessage, Hello, Ident, Inbound, Outbound

AgentStatus = Literal["available", "away"]
BEAT_EVERY = 15  # seconds between a desk's beats (the hub forgets it after 45 s without one)

# ---- client -> hub ------------------------------------------------------------------------------


class SetStatus(Inbound):
    """Available or Away: kept across sign-ins and reloads (the agent's choice)."""

    type: Literal["set_status"] = "set_status"
    id: CommandId
    status: AgentStatus


class Beat(Inbound):
    """This desk is still here (every 15 s; no answer)."""

    type: Literal["beat"] = "beat"


class DeskSync(Inbound):
    """Answered by a `desk_snapshot` with this id."""

    type: Literal["sync"] = "sync"
    id: CommandId


DeskCommand = Annotated[SetStatus, Field(discriminator="type")]
DeskClientMessage = Annotated[Hello | SetStatus | Beat | DeskSync, Field(discriminator="type")]

# ---- hub -> client ------------------------------------------------------------------------------


class DeskWelcome(Outbound):
    type: Literal["welcome"] = "welcome"
    version: int
    channel: Literal["desk"] = "desk"
    store_id: str
    agent_id: str = Field(description="The agent this desk is signed in as")
    beat_every: int = Field(BEAT_EVERY, description="Seconds between beats")


class DeskAgent(Outbound):
    """One of the store's agents as the desk shows them."""

    agent_id: str
    name: str
    role: Literal["owner", "agent"]
    status: AgentStatus = Field(description="Their choice: Available or Away")
    connected: bool = Field(description="A workspace of theirs is open (and beats)")
    available: bool = Field(description="Available and connected: they can be reached")


class Talk(Outbound):
    """Whether a store's pages show "Talk to us": the workspace is on (`enabled`) and an agent
    is available. `version` grows with every change: keep the highest."""

    type: Literal["talk"] = "talk"
    store_id: str
    enabled: bool
    available: bool
    version: int = 0


class DeskSnapshot(Outbound):
    """The store's agents and its talk state: after `welcome`, on `sync`, and when the hub may
    have missed changes."""

    type: Literal["desk_snapshot"] = "desk_snapshot"
    id: str | None = None
    store_id: str
    talk: Talk
    agents: list[DeskAgent]


class AgentChanged(Outbound):
    """An agent's status or connection changed; `gone`: they are no longer one of the store's
    agents (`agent` is then null)."""

    type: Literal["agent_changed"] = "agent_changed"
    agent_id: str
    agent: DeskAgent | None = None
    gone: bool = False


class DeskResult(Outbound):
    """The answer to `set_status`: this agent as it is now."""

    type: Literal["result"] = "result"
    id: str
    agent: DeskAgent


DeskServerMessage = Annotated[
    DeskWelcome | DeskSnapshot | AgentChanged | Talk | DeskResult | ErrorMessage,
    Field(discriminator="type"),
]

# ---- the page's side (sent on /ws/page, shared_protocol/page.py) -------------------------------


class WatchTalk(Inbound):
    """A page: tell me whether this store's "Talk to us" entry should show (answered by `talk`
    at once, then again on every change)."""

    type: Literal["watch_talk"] = "watch_talk"
    store_id: Ident
