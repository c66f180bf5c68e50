"""The demo's sales agent: one per shop, added the way an owner would (the store API with the
shop's key, then the invitation accepted with a password), with the shop's workspace turned on
so its pages can offer "Talk to us" as soon as the agent sets themselves Available."""

from __future__ import annotations

from typing import Any

import httpx

from .hub_admin import HubError

DEMO_AGENT_NAME = "Ana"
DEMO_AGENT_EMAIL = "ana@cartstart.invalid"
DEMO_AGENT_PASSWORD = "cartstart-demo"


def _why(r: httpx.Response) -> str:
    try:
        return str(r.json()["error"]["message"])
    except (ValueError, KeyError, TypeError):
        return f"HTTP {r.status_code}"


async def ensure_agent(hub_url: str, store_id: str, api_key: str) -> None:
    """Add the demo agent and turn the workspace on, the first time only: a later run keeps
    whatever was changed in the console since (a removed agent stays removed)."""
    async with httpx.AsyncClient(base_url=hub_url, timeout=30) as http:
        try:
            await _ensure(http, store_id, {"Authorization": f"Bearer {api_key}"})
        except httpx.TransportError as exc:
            raise HubError(f"the hub did not answer at {hub_url}: {exc}") from exc


async def _ensure(http: httpx.AsyncClient, store_id: str, key: dict[str, str]) -> None:
    agents = f"/api/stores/{store_id}/agents"
    listed = await http.get(agents, headers=key)
    if listed.status_code != 200:
        raise HubError(f"could not list the demo shop's agents: {_why(listed)}")
    if listed.json():  # set up by an earlier run
        return
    body = {"email": DEMO_AGENT_EMAIL, "name": DEMO_AGENT_NAME, "role": "agent"}
    added = await http.post(agents, json=body, headers=key)
    if added.status_code != 201:
        raise HubError(f"could not add the demo agent: {_why(added)}")
    code = added.json()["invite_code"]
    accepted = await http.post(
        "/api/agent-invites",
        json={"code": code, "password": DEMO_AGENT_PASSWORD},
    )
    if accepted.status_code != 201:
        raise HubError(f"could not accept the demo agent's invitation: {_why(accepted)}")
    await _workspace_on(http, store_id, key)


async def _workspace_on(http: httpx.AsyncClient, store_id: str, key: dict[str, str]) -> None:
    live = f"/api/stores/{store_id}/live"
    current = await http.get(live, headers=key)
    if current.status_code != 200:
        raise HubError(f"could not read the demo shop's live settings: {_why(current)}")
    settings: dict[str, Any] = current.json()
    body = {
        **settings["style"],
        "enabled": settings["enabled"],
        "show_rating": settings.get("show_rating", False),
        "workspace": True,
    }
    saved = await http.put(live, json=body, headers=key)
    if saved.status_code != 200:
        raise HubError(f"could not turn on the demo shop's workspace: {_why(saved)}")
