"""Agents' invitations by email (docs/agents.md), on SQLite and on PostgreSQL + Redis: adding
an agent (REST as an owner or with the key, or the command line) queues an email through the
hub's mail queue; it names who invited them, the store, the one-time link and its expiry; the
invited agent accepts the invitation from the link in it. Without SMTP the owner still gets
the link, once."""

from __future__ import annotations

import asyncio
import re
import subprocess
from email.message import Message
from pathlib import Path
from typing import Any

import httpx

from cartstart_server.clock import FakeClock
from cartstart_server.server import HubServer
from cartstart_server.storage.sql import Plan, Stmt, one
from tests.helpers.hubs import hub_config, seed_store
from tests.helpers.process import CLI, HubProcess, add_store, cli_env
from tests.helpers.receivers import smtp_server
from tests.helpers.waiting import eventually
from tests.integration.test_agents import PASSWORD, agent_signed_in, bearer

LINK = re.compile(r"https?://\S+/console#invite=(\S+)")


def text_of(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes), message
    return payload.decode(message.get_content_charset() or "utf-8")


async def mail_to(inbox: list[Message], to: str, within: float = 10.0) -> Message:
    await eventually(lambda: any(m["To"] == to for m in inbox), within, f"an email to {to}")
    return next(m for m in inbox if m["To"] == to)


async def test_an_owners_invitation_is_emailed_and_accepted_from_its_link(
    tmp_path: Path, clock: FakeClock, backend_settings: dict[str, Any]
) -> None:
    with smtp_server() as (port, inbox):
        config = hub_config(tmp_path, smtp_host="127.0.0.1", smtp_port=port, **backend_settings)
        async with HubServer(config, clock=clock) as server:
            store_id, key = await seed_store(server.hub, "Harbour Ceramics", {"mug": 1})
            async with httpx.AsyncClient(base_url=server.http_url, timeout=10) as http:
                olga = await agent_signed_in(http, store_id, key, "olga@example.org", "owner")
                await mail_to(inbox, "olga@example.org")  # the key's invitation: Olga's own
                body = {"email": "ana@example.org", "name": "Ana", "role": "agent"}
                r = await http.post(
                    f"/api/stores/{store_id}/agents", json=body, headers=bearer(olga["token"])
                )
                assert r.status_code == 201, r.text
                added = r.json()
                assert added["invite_emailed"] is True
                mail = await mail_to(inbox, "ana@example.org")
                text = text_of(mail)
                assert mail["Subject"] == "You are invited to work in Harbour Ceramics's console"
                assert mail.get_content_type() == "text/plain"
                assert "Hello Ana," in text
                assert "Olga (olga@example.org) invited you" in text and "Harbour Ceramics" in text
                expires = added["invite_expires_at"]
                assert time_words(expires) in text, text
                link = LINK.search(text)
                assert link is not None, text
                assert link.group(0) == added["invite_url"]
                assert link.group(0).startswith(server.http_url + "/console#invite=")
                accepted = await http.post(
                    "/api/agent-invites", json={"code": link.group(1), "password": PASSWORD}
                )
                assert accepted.status_code == 201, accepted.text
                assert accepted.json()["agent"]["email"] == "ana@example.org"
                signed = {"store_id": store_id, "email": "ana@example.org", "password": PASSWORD}
                assert (await http.post("/api/agent-sessions", json=signed)).status_code == 201


def time_words(at: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(at, UTC).strftime("%A %d %B %Y, %H:%M UTC")


async def test_hostile_names_stay_on_their_line_of_the_email(
    tmp_path: Path, clock: FakeClock, backend_settings: dict[str, Any]
) -> None:
    with smtp_server() as (port, inbox):
        config = hub_config(tmp_path, smtp_host="127.0.0.1", smtp_port=port, **backend_settings)
        async with HubServer(config, clock=clock) as server:
            store_id, key = await seed_store(server.hub, "Pots\r\nX-Evil: 1", {"mug": 1})
            async with httpx.AsyncClient(base_url=server.http_url, timeout=10) as http:
                # A name is one line: line breaks are refused at the door, in words.
                name = "Eve\r\nBcc: victim@example.org\r\n\r\nClick http://evil.example/"
                body = {"email": "eve@example.org", "name": name}
                path = f"/api/stores/{store_id}/agents"
                r = await http.post(path, json=body, headers=bearer(key))
                assert r.status_code == 422 and "one line" in r.json()["error"]["message"]
                # What is left of an attack on one line stays text on the name's line.
                body["name"] = "Eve Bcc: victim@example.org Click http://evil.example/"
                r = await http.post(path, json=body, headers=bearer(key))
                assert r.status_code == 201, r.text
                mail = await mail_to(inbox, "eve@example.org")
                assert mail["Bcc"] is None and mail["X-Evil"] is None
                assert mail["Subject"] == "You are invited to work in Pots X-Evil: 1's console"
                text = text_of(mail)
                line = next(s for s in text.splitlines() if s.startswith("Hello "))
                assert "Bcc: victim@example.org" in line and "evil.example" in line
                assert "The team of Pots X-Evil: 1 invited you" in text
                # Everything in the queue went out: a bad header did not stop the dispatcher.
                r = await http.post(
                    f"/api/stores/{store_id}/agents",
                    json={"email": "bo@example.org", "name": "Bo"},
                    headers=bearer(key),
                )
                assert r.status_code == 201
                await mail_to(inbox, "bo@example.org")
                assert len(inbox) == 2


async def test_without_smtp_the_owner_gets_the_link_once(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, key = await seed_store(server.hub, "Pots", {"mug": 1})
    r = await http.post(
        f"/api/stores/{store_id}/agents",
        json={"email": "ana@example.org", "name": "Ana"},
        headers=bearer(key),
    )
    assert r.status_code == 201, r.text
    added = r.json()
    assert added["invite_emailed"] is False
    code = added["invite_url"].split("#invite=", 1)[1]
    assert code == added["invite_code"]
    listed = await http.get(f"/api/stores/{store_id}/agents", headers=bearer(key))
    assert "invite" not in listed.text  # shown once: the list never repeats it
    accepted = await http.post("/api/agent-invites", json={"code": code, "password": PASSWORD})
    assert accepted.status_code == 201, accepted.text


async def test_a_hub_on_every_interface_without_its_public_address_emails_no_link(
    tmp_path: Path, clock: FakeClock, backend_settings: dict[str, Any]
) -> None:
    """Listening on 0.0.0.0 with no public_http_url, the hub's only guess is 127.0.0.1: an
    email with that link would not open for the agent, so the owner passes the link on."""
    with smtp_server() as (port, _inbox):
        config = hub_config(
            tmp_path, host="0.0.0.0", smtp_host="127.0.0.1", smtp_port=port, **backend_settings
        )
        async with HubServer(config, clock=clock) as server:
            store_id, key = await seed_store(server.hub, "Pots", {"mug": 1})
            async with httpx.AsyncClient(base_url=server.http_url, timeout=10) as http:
                body = {"email": "ana@example.org", "name": "Ana"}
                r = await http.post(
                    f"/api/stores/{store_id}/agents", json=body, headers=bearer(key)
                )
                assert r.status_code == 201, r.text
                assert r.json()["invite_emailed"] is False and r.json()["invite_url"]
            assert await server.hub.db.read(mail_queued()) == 0


def mail_queued() -> Plan[int]:
    row = one((yield Stmt("SELECT COUNT(*) AS n FROM mail_queue", ())))
    return int(row["n"]) if row else 0


async def test_the_command_lines_invitation_is_emailed_by_the_running_hub(
    tmp_path: Path,
) -> None:
    """The command line queues the email; the running hub sends it (it looks at the queue
    every few seconds), and the link in it works on that hub."""
    store_id, _ = add_store(tmp_path, "Shop")
    with smtp_server() as (port, inbox):
        smtp = {"smtp_host": "127.0.0.1", "smtp_port": str(port)}
        hub = await HubProcess(tmp_path, **smtp).start()
        try:
            done = await asyncio.to_thread(
                subprocess.run,
                [*CLI, "store", "add-agent", store_id, "--email", "ana@example.org",
                 "--name", "Ana", "--role", "owner", "--data-dir", str(tmp_path)],
                capture_output=True, text=True, check=True,
                env=cli_env(**{f"CARTSTART_{k.upper()}": v for k, v in smtp.items()}),
            )  # fmt: skip
            assert "the invitation is emailed to ana@example.org" in done.stdout, done.stdout
            mail = await mail_to(inbox, "ana@example.org", within=20.0)
            assert "The team of Shop invited you" in text_of(mail)
            link = LINK.search(text_of(mail))
            assert link is not None
            async with httpx.AsyncClient(base_url=hub.http_url) as http:
                body = {"code": link.group(1), "password": PASSWORD}
                r = await http.post("/api/agent-invites", json=body)
                assert r.status_code == 201, r.text
                assert r.json()["agent"]["role"] == "owner"
        finally:
            assert await hub.stop() == 0
