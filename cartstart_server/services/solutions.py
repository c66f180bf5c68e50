"""Marketplace solutions (docs/marketplace.md "Solutions, quotes and orders"): create, read and
change one by its private link (id + secret, the secret stored hashed and compared in constant
time) or by the owning account; email its link to oneself; send it to its firms as a request for
quotes or as orders; accept a firm's answer. A registered buyer's solutions, requests, wishlist
and calls with firms."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from pydantic import TypeAdapter

from shared_protocol.solutions import (
    Accepted,
    AccountCall,
    ContactIn,
    RequestView,
    SolutionCreated,
    SolutionIn,
    SolutionLineIn,
    SolutionSummary,
    SolutionView,
)

from .. import credentials as cred
from ..clock import Clock
from ..config import HubConfig
from ..domain import solution_mail as mail
from ..domain import solutions as rules
from ..domain.solutions import Contact, Line
from ..storage import idempotency, outbound_queue, throttle
from ..storage import solution_answers as answers
from ..storage import solution_requests as requests
from ..storage import solutions as storage
from ..storage.base import Database
from ..storage.solution_views import request_view, solution_view
from ..storage.sql import Effects, Plan, Row
from .commits import Committer

_IDS = TypeAdapter(list[str])


def _lines(raw: Sequence[SolutionLineIn]) -> list[Line]:
    return rules.check_lines(
        [
            Line(
                line.line_id or "",
                line.store_id,
                line.product_id,
                line.qty,
                line.note,
                dict(line.options),
            )
            for line in raw
        ]
    )


class Solutions:
    def __init__(
        self,
        committer: Committer,
        db: Database,
        clock: Clock,
        config: HubConfig,
        on_queued: Callable[[], None],
    ) -> None:
        self._committer = committer
        self._db = db
        self._clock = clock
        self._config = config
        self._on_queued = on_queued
        # The hub's address for private links in emails (set by HubServer once it knows it).
        self.market_url: str | None = config.public_http_url

    # ---- who may open a solution ----------------------------------------------------------

    async def _open(self, solution_id: str, secret: str | None, account_id: str | None) -> Row:
        row = await self._db.read(storage.get(solution_id))
        if row is None:
            raise rules.no_solution()
        if secret and cred.secret_matches(secret, row["secret_hash"]):
            if account_id and row["account_id"] is None:  # the holder signed in: theirs too
                await self._committer.commit(lambda _: storage.claim(solution_id, account_id))
            return row
        if account_id is not None and row["account_id"] == account_id:
            return row
        raise rules.no_solution()

    async def _count_mail(self, client: str) -> None:
        """`rate_limited` after too many emails caused from one client address in an hour."""
        now = self._clock.now()
        key = cred.hash_secret(f"solution-mail\0{client}")
        attempts, start = await self._db.write(throttle.counted(key, now, rules.MAIL_WINDOW))
        refusal = rules.mail_throttled(attempts, start, now)
        if refusal is not None:
            raise refusal

    def _link(self, solution_id: str, secret: str | None) -> str | None:
        base = (self.market_url or "").rstrip("/")
        if not base:
            return None
        return f"{base}/market/#solution={solution_id}" + (f".{secret}" if secret else "")

    # ---- create, read, change ---------------------------------------------------------------

    async def create(self, body: SolutionIn, account_id: str | None, lang: str) -> SolutionCreated:
        name, lines = rules.clean_name(body.name), _lines(body.lines)
        solution_id, secret = cred.new_id("sol"), cred.new_secret()
        now = self._clock.now()
        await self._committer.commit(
            lambda _: storage.create(
                solution_id, cred.hash_secret(secret), account_id, name, lines, now
            )
        )
        view = await self.view(solution_id, secret, account_id, lang)
        return SolutionCreated(id=solution_id, secret=secret, solution=view)

    async def view(
        self, solution_id: str, secret: str | None, account_id: str | None, lang: str
    ) -> SolutionView:
        row = await self._open(solution_id, secret, account_id)
        return await self._db.read(self._view(row, lang))

    def _view(self, row: Row, lang: str) -> Plan[SolutionView]:
        lines = [Line.of(d) for d in json.loads(row["lines"])]
        found = yield from storage.products((li.store_id, li.product_id) for li in lines)
        sent = yield from requests.of_solution(row["id"])
        names = yield from storage.store_names(
            [li.store_id for li in lines] + [r["store_id"] for r in sent]
        )
        views = [request_view(r, names.get(r["store_id"], ""), lang) for r in sent]
        return solution_view(row, found, names, views, lang)

    async def update(
        self,
        solution_id: str,
        secret: str | None,
        account_id: str | None,
        body: SolutionIn,
        version: int,
        lang: str,
    ) -> SolutionView:
        await self._open(solution_id, secret, account_id)
        name, lines = rules.clean_name(body.name), _lines(body.lines)
        now = self._clock.now()
        row = await self._committer.commit(
            lambda _: storage.update(solution_id, name, lines, version, now)
        )
        return await self._db.read(self._view(row, lang))

    async def email_link(
        self,
        solution_id: str,
        secret: str | None,
        account_id: str | None,
        to: str,
        lang: str,
        client: str,
    ) -> None:
        row = await self._open(solution_id, secret, account_id)
        to = rules.check_email(to)
        await self._count_mail(client)
        view = await self._db.read(self._view(row, lang))
        lines = [
            mail.MailLine(
                name=f"{v.name} ({v.store_name})",
                code=v.code,
                qty=v.qty,
                unit_amount=v.price.amount if v.price else 0,
                currency=v.price.currency if v.price else "EUR",
                note=v.note,
                options=v.options,
            )
            for v in view.lines
            if v.price is not None  # a product that is gone has nothing to show
        ]
        link = self._link(solution_id, secret) or solution_id
        subject, text = mail.link_email(lang, row["name"], link, lines)
        now = self._clock.now()
        await self._committer.commit(lambda _: outbound_queue.queued_mail(to, subject, text, now))
        self._on_queued()

    # ---- send, accept ------------------------------------------------------------------------

    async def send(
        self,
        solution_id: str,
        secret: str | None,
        account_id: str | None,
        kind: str,
        contact: ContactIn,
        lang: str,
        key: str,
        client: str = "",
    ) -> list[RequestView]:
        """Every firm's request, in one transaction; the same key gives the same requests."""
        row = await self._open(solution_id, secret, account_id)
        await self._count_mail(client)
        account = await self._db.read(storage.account(account_id)) if account_id else None
        checked = rules.check_contact(
            Contact(
                name=contact.name or (account["display_name"] if account else ""),
                email=contact.email or (account["email"] if account else ""),
                company=contact.company,
                phone=contact.phone,
                note=contact.note,
            )
        )
        sending = requests.Sending(
            solution=row,
            kind=kind,
            contact=checked,
            lang=lang,
            account_id=account_id,
            link=self._link(solution_id, secret) if secret else None,
            warn_before=self._config.expiry_warning,
        )
        body_hash = idempotency.request_hash(
            json.dumps([kind, checked.doc(), lang, row["version"]], sort_keys=True)
        )
        now = self._clock.now()

        def plan(fx: Effects) -> Plan[list[str]]:
            yield from storage.lock(solution_id)
            inner = requests.send(fx, sending, now, cred.new_id)
            principal = f"solution:{solution_id}"
            return (yield from idempotency.once(principal, key, body_hash, inner, _IDS, now))

        ids = await self._committer.commit(plan)
        self._on_queued()
        return await self._db.read(self._request_views(ids, lang))

    def _request_views(self, ids: list[str], lang: str) -> Plan[list[RequestView]]:
        rows = yield from requests.by_ids(ids)
        names = yield from storage.store_names(r["store_id"] for r in rows)
        return [request_view(r, names.get(r["store_id"], ""), lang) for r in rows]

    async def accept(
        self,
        solution_id: str,
        secret: str | None,
        account_id: str | None,
        request_id: str,
        lang: str,
    ) -> Accepted:
        await self._open(solution_id, secret, account_id)
        now = self._clock.now()
        row, order = await self._committer.commit(
            lambda fx: answers.accept(
                fx,
                solution_id=solution_id,
                request_id=request_id,
                warn_before=self._config.expiry_warning,
                now=now,
                new_id=cred.new_id,
            )
        )
        self._on_queued()
        names = await self._db.read(storage.store_names([row["store_id"]]))
        return Accepted(request=request_view(row, names[row["store_id"]], lang), order=order)

    # ---- a registered buyer ------------------------------------------------------------------

    async def of_account(self, account_id: str) -> list[SolutionSummary]:
        rows = await self._db.read(storage.of_account(account_id))
        out = []
        for r in rows:
            lines = [Line.of(d) for d in json.loads(r["lines"])]
            out.append(
                SolutionSummary(
                    id=r["id"],
                    name=r["name"],
                    version=r["version"],
                    lines=len(lines),
                    firms=len(rules.by_firm(lines)),
                    created_at=r["created_at"],
                    updated_at=r["updated_at"],
                )
            )
        return out

    async def requests_of_account(self, account_id: str, lang: str) -> list[RequestView]:
        def plan() -> Plan[list[RequestView]]:
            rows = yield from requests.of_account(account_id)
            names = yield from storage.store_names(r["store_id"] for r in rows)
            return [request_view(r, names.get(r["store_id"], ""), lang) for r in rows]

        return await self._db.read(plan())

    async def wishlist(self, account_id: str) -> list[tuple[str, str]]:
        return await self._db.read(storage.wishlist(account_id))

    async def set_wishlist(
        self, account_id: str, items: Sequence[tuple[str, str]]
    ) -> list[tuple[str, str]]:
        kept = rules.check_wishlist(items)
        await self._committer.commit(lambda _: storage.set_wishlist(account_id, kept))
        return kept

    async def calls(self, account_id: str) -> list[AccountCall]:
        rows = await self._db.read(storage.calls_of(account_id))
        return [
            AccountCall(
                call_id=r["call_id"],
                store_id=r["store_id"],
                store_name=r["store_name"],
                started_at=r["created_at"],
                duration_seconds=(r["ended_at"] - r["answered_at"])
                if r["ended_at"] is not None and r["answered_at"] is not None
                else None,
                stars=r["stars"],
                comment=r["comment"] or "",
            )
            for r in rows
        ]
