"""A store's agents over HTTP (docs/agents.md): the console's own sign-in with an email and a
password, and the owner's list of agents."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from .common import Ident, Outbound
from .store_api import StoreInfo

AgentRole = Literal["owner", "agent"]


class _Body(BaseModel):
    """A REST body: unknown fields are an error, values taken strictly."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class AgentView(Outbound):
    agent_id: str
    store_id: str
    email: str
    name: str
    role: AgentRole
    active: bool = Field(description="False until the agent accepted the invitation")
    created_at: float
    support: bool = Field(False, description="Takes the store's paid support calls")
    chat_cap: int = Field(3, description="Conversations they hold at once, at most (1-20)")


class AgentIn(_Body):
    """An owner (or the store's API key) adds an agent: they get an invitation to choose a
    password."""

    email: str = Field(max_length=254)
    name: str = Field(max_length=100)
    role: AgentRole = "agent"


class AgentChange(_Body):
    role: AgentRole


class ChatCapIn(_Body):
    chat_cap: Annotated[int, Field(ge=1, le=20)]


class AgentProductsIn(_Body):
    product_ids: list[Ident] = Field(max_length=500, description="Replaces the agent's products")


class AgentProducts(Outbound):
    """The products an agent handles: visitors on them see the agent busy while in a call."""

    agent_id: str
    product_ids: list[str]


class AddedAgent(Outbound):
    agent: AgentView
    invite_code: str = Field(description="Shown once: the agent accepts it with a password")
    invite_url: str | None = Field(
        None, description="The console's address with the code (#invite=…), when the hub knows it"
    )
    invite_expires_at: float
    invite_emailed: bool = Field(
        False, description="True when the hub sends the invitation by email (SMTP is set up)"
    )


class AgentSignIn(_Body):
    store_id: Ident
    email: str = Field(max_length=254)
    password: str = Field(max_length=1024)
    label: str = Field("", max_length=100, description="Names this device")


class InviteAccept(_Body):
    code: str = Field(min_length=1, max_length=200)
    password: str = Field(max_length=1024)


class IssuedAgentSession(Outbound):
    token: str = Field(description="The console's credential: Authorization: Bearer <token>")
    token_id: str
    expires_at: float
    agent: AgentView


class ConsoleWho(Outbound):
    """Who the console is signed in as (GET /api/console/me)."""

    store: StoreInfo
    agent: AgentView | None = Field(description="None when signed in with the store's API key")
    role: Literal["key", "owner", "agent"]
    permissions: list[str]
    expires_at: float | None
