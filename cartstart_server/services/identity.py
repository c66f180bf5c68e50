"""Who is who: shoppers' accounts and sessions, link tokens for pages, pairing codes, browsers
connected on the hub's connect page, and the stores' API keys. Plain reads and writes of the
directory: no events to publish."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

from shared_protocol import ProtocolError
from shared_protocol.accounts import (
    ConnectPreview,
    IssuedLinkToken,
    IssuedSession,
    LinkTokenView,
)
from shared_protocol.store_api import StoreInfo

from .. import credentials as cred
from ..clock import Clock
from ..config import HubConfig
from ..domain import identity as rules
from ..domain.topics import store_key_topic, token_topic
from ..storage import directory
from ..storage.base import Database
from ..storage.directory import StoreRow, TokenRow
from ..storage.sql import Plan
from ..storage.views import link_token_view, store_info
from .revocation import OnDead, Revocations, Watch

T = TypeVar("T")

log = logging.getLogger(__name__)

PAIRING_TTL = 600.0  # seconds a pairing code can be used
# Verifying against this when the email is unknown makes "no such account" as slow as "wrong
# password", so response times do not reveal who has an account.
_DUMMY_HASH = cred.hash_password("not a password", 2**10)


@dataclass(frozen=True)
class Shopper:
    """A desktop cart signed in with a session token."""

    cart_id: str
    token_id: str
    expires_at: float | None = None


@dataclass(frozen=True)
class LinkedPage:
    """A page acting for a cart through a link token: it may add to that cart, nothing else."""

    cart_id: str
    token_id: str
    store_id: str | None
    expires_at: float | None = None


def _issued(token: str, row: TokenRow) -> IssuedLinkToken:
    return IssuedLinkToken(token=token, **link_token_view(row).model_dump())


class Identity:
    def __init__(
        self, db: Database, clock: Clock, config: HubConfig, revocations: Revocations
    ) -> None:
        self.db = db
        self.clock = clock
        self.config = config
        self._revocations = revocations

    # ---- shoppers ---------------------------------------------------------------------------------

    async def sign_up(self, email: str, password: str, display_name: str = "") -> str:
        email = rules.normalize_email(email)
        rules.check_new_account(email, password)
        password_hash = await asyncio.to_thread(cred.hash_password, password, self.config.scrypt_n)
        account_id = cred.new_id("ac")
        await self.db.write(
            directory.create_account(
                account_id, email, password_hash, display_name.strip()[:100], self.clock.now()
            )
        )
        log.info("account created", extra={"account": account_id})
        return account_id

    async def log_in(self, email: str, password: str, label: str = "") -> IssuedSession:
        account = await self.db.read(directory.account_by_email(rules.normalize_email(email)))
        stored = account["password_hash"] if account else _DUMMY_HASH
        ok = await asyncio.to_thread(cred.verify_password, password, stored)
        if account is None or not ok:
            raise rules.wrong_password()
        token, row = await self._issue(
            "session", cred.SESSION, account["id"], None, label, self.config.session_ttl
        )
        return IssuedSession(
            token=token, token_id=row.id, account_id=row.account_id, expires_at=row.expires_at
        )

    async def _issue(
        self,
        kind: str,
        prefix: str,
        account_id: str,
        store_id: str | None,
        label: str,
        ttl: float,
        browser_id: str | None = None,
    ) -> tuple[str, TokenRow]:
        now = self.clock.now()
        secret = cred.new_secret()
        row = TokenRow(
            id=cred.new_id("tk"),
            kind=kind,
            secret_hash=cred.hash_secret(secret),
            account_id=account_id,
            store_id=store_id,
            label=label[:100],
            created_at=now,
            expires_at=now + ttl,
            revoked_at=None,
            browser_id=browser_id,
        )
        if browser_id is None:
            await self.db.write(directory.create_token(row))
        else:
            await self.db.write(directory.create_browser_link(row))
        return cred.format_token(prefix, row.id, secret), row

    async def _check_token(self, token: str | None, kind: str, prefix: str) -> TokenRow:
        parsed = cred.parse_token(token or "", prefix)
        row = await self.db.read(directory.get_token(parsed[0])) if parsed else None
        if parsed is None or row is None or row.kind != kind:
            raise rules.invalid_token(kind)
        if not cred.secret_matches(parsed[1], row.secret_hash):
            raise rules.invalid_token(kind)
        rules.check_token_alive(
            kind,
            revoked=row.revoked_at is not None,
            expires_at=row.expires_at,
            now=self.clock.now(),
        )
        return row

    async def authenticate_shopper(self, token: str | None) -> Shopper:
        row = await self._check_token(token, "session", cred.SESSION)
        return Shopper(cart_id=row.account_id, token_id=row.id, expires_at=row.expires_at)

    async def authenticate_link(self, token: str | None) -> LinkedPage:
        row = await self._check_token(token, "link", cred.LINK)
        return LinkedPage(
            cart_id=row.account_id,
            token_id=row.id,
            store_id=row.store_id,
            expires_at=row.expires_at,
        )

    async def log_out(self, shopper: Shopper) -> None:
        now = self.clock.now()
        revoked = directory.revoke_token(shopper.token_id, shopper.cart_id, "session", now)
        await self._revoking([token_topic(shopper.token_id)], revoked)

    async def _revoking(self, topics: list[str], plan: Plan[T]) -> T:
        """Run a revocation with its journal rows in one transaction, then tell this process's
        connections (other processes read the journal)."""

        def both() -> Plan[T]:
            value = yield from plan
            yield from self._revocations.recorded(topics)
            return value

        value = await self.db.write(both())
        self._revocations.told(topics)
        return value

    async def mint_link_token(
        self, shopper: Shopper, store_id: str | None, ttl: float | None, label: str
    ) -> IssuedLinkToken:
        if store_id is not None and await self.db.read(directory.get_store(store_id)) is None:
            raise rules.no_store(store_id)
        lifetime = min(ttl or self.config.link_token_ttl, self.config.link_token_ttl)
        token, row = await self._issue(
            "link", cred.LINK, shopper.cart_id, store_id, label, lifetime
        )
        return _issued(token, row)

    async def create_pairing_code(
        self, shopper: Shopper, store_id: str | None = None
    ) -> tuple[str, float]:
        """A short code the cart shows; typed into a store page, it links that browser."""
        code = cred.new_pairing_code()
        now = self.clock.now()
        expires_at = now + PAIRING_TTL
        await self.db.write(
            directory.create_pairing_code(
                cred.hash_secret(cred.normalize_pairing_code(code)),
                shopper.cart_id,
                store_id,
                now,
                expires_at,
            )
        )
        return code, expires_at

    async def redeem_pairing_code(self, code: str, label: str) -> IssuedLinkToken:
        """A page's own link token, for the code typed on it."""
        return await self._redeem(
            code, "link", cred.LINK, label or "Paired browser", self.config.link_token_ttl
        )

    async def _redeem(
        self, code: str, kind: str, prefix: str, label: str, ttl: float
    ) -> IssuedLinkToken:
        now = self.clock.now()
        secret = cred.new_secret()
        draft = TokenRow(
            id=cred.new_id("tk"),
            kind=kind,
            secret_hash=cred.hash_secret(secret),
            account_id="",
            store_id=None,
            label=label[:100],
            created_at=now,
            expires_at=now + ttl,
            revoked_at=None,
        )
        code_hash = cred.hash_secret(cred.normalize_pairing_code(code))
        row = await self.db.write(directory.redeem_pairing_code(code_hash, draft))
        return _issued(cred.format_token(prefix, row.id, secret), row)

    async def link_tokens(self, shopper: Shopper) -> list[LinkTokenView]:
        """Pages linked to the cart, and connected browsers."""
        now = self.clock.now()
        rows = await self.db.read(directory.list_tokens(shopper.cart_id, ("link", "browser"), now))
        return [link_token_view(r) for r in rows]

    async def revoke_link_token(self, shopper: Shopper, token_id: str) -> None:
        """A page's link token, or a connected browser with every link it made."""
        now = self.clock.now()

        def revoking() -> Plan[list[str]]:
            gone = yield from directory.revoke_link(token_id, shopper.cart_id, now)
            yield from self._revocations.recorded(token_topic(g) for g in gone)
            return gone

        gone = await self.db.write(revoking())
        self._revocations.told(token_topic(g) for g in gone)

    # ---- browsers connected on the hub's own page (docs/protocol.md section 7) -----------------
    #
    # `origin` is the request's Origin header and `hub_url` the address it was sent to: the
    # credential works only from the hub's own pages. `page_origin` is the shop page asking to
    # connect, as the browser reported it to the hub's page (MessageEvent.origin).

    def _hub_urls(self, hub_url: str) -> tuple[str | None, ...]:
        return (hub_url, self.config.public_http_url)

    async def connect_browser(
        self, code: str, label: str, origin: str | None, hub_url: str
    ) -> IssuedLinkToken:
        """Trade a code from the cart for a connected browser's credential (kept by the hub's
        page in its own storage: shop pages never see it)."""
        rules.check_hub_page(origin, self._hub_urls(hub_url))
        return await self._redeem(
            code, "browser", cred.BROWSER, rules.browser_label(label), self.config.browser_ttl
        )

    async def _connect_target(self, store_id: str, page_origin: str) -> tuple[StoreRow, str]:
        store = await self.db.read(directory.get_store(store_id))
        if store is None:
            raise rules.no_store(store_id)
        return store, rules.check_connect_origin(store.name, store.origins, page_origin)

    async def connect_preview(
        self,
        credential: str | None,
        store_id: str,
        page_origin: str,
        origin: str | None,
        hub_url: str,
    ) -> ConnectPreview:
        """What the shopper is asked to agree to, and whether this browser is connected (a dead
        or missing credential: it needs a code first)."""
        rules.check_hub_page(origin, self._hub_urls(hub_url))
        store, normalized = await self._connect_target(store_id, page_origin)
        connected = False
        if credential:
            try:
                browser = await self._check_token(credential, "browser", cred.BROWSER)
                connected = browser.store_id in (None, store.id)
            except ProtocolError:
                connected = False
        return ConnectPreview(
            store_id=store.id, store_name=store.name, origin=normalized, connected=connected
        )

    async def connect_shop(
        self,
        credential: str | None,
        store_id: str,
        page_origin: str,
        origin: str | None,
        hub_url: str,
    ) -> IssuedLinkToken:
        """A link token for that store's page, made by a connected browser: scoped to the store,
        and only for a page on a site the store registered."""
        rules.check_hub_page(origin, self._hub_urls(hub_url))
        browser = await self._check_token(credential, "browser", cred.BROWSER)
        store, normalized = await self._connect_target(store_id, page_origin)
        if browser.store_id not in (None, store.id):
            raise rules.browser_for_one_store(store.name)
        lifetime = min(self.config.link_token_ttl, browser.expires_at - self.clock.now())
        token, row = await self._issue(
            "link",
            cred.LINK,
            browser.account_id,
            store.id,
            rules.connected_shop_label(store.name, normalized),
            lifetime,
            browser_id=browser.id,
        )
        return _issued(token, row)

    # ---- stores ------------------------------------------------------------------------------

    async def authenticate_store(self, key: str | None) -> StoreInfo:
        parsed = cred.parse_token(key or "", cred.STORE_KEY)
        store = await self.db.read(directory.get_store(parsed[0])) if parsed else None
        if parsed is None or store is None or not cred.secret_matches(parsed[1], store.key_hash):
            raise rules.bad_store_key()
        return store_info(store)

    async def authorize_store(self, key: str | None, store_id: str) -> StoreInfo:
        """The key must belong to `store_id` (a store never reaches another's data)."""
        store = await self.authenticate_store(key)
        if store.id != store_id:
            raise rules.other_store_key()
        return store

    async def rotate_store_key(self, store_id: str) -> str:
        """A new API key; the old one stops working at once, on open connections too."""
        secret = cred.new_secret()
        replaced = directory.set_store_key(store_id, cred.hash_secret(secret))
        await self._revoking([store_key_topic(store_id)], replaced)
        return cred.format_token(cred.STORE_KEY, store_id, secret)

    # ---- open connections --------------------------------------------------------------------

    def watch(self, who: Shopper | LinkedPage | StoreInfo, token: str, on_dead: OnDead) -> Watch:
        """Watch the credential an open connection was opened with (`token`, as presented):
        `on_dead` is called once it is revoked, replaced or expired."""
        watch = self._revocations.watch
        match who:
            case Shopper():
                shopper = partial(self.authenticate_shopper, token)
                return watch(token_topic(who.token_id), who.expires_at, shopper, on_dead)
            case LinkedPage():
                page = partial(self.authenticate_link, token)
                return watch(token_topic(who.token_id), who.expires_at, page, on_dead)
            case StoreInfo():
                current = partial(self._store_key_current, token, who.id)
                return watch(store_key_topic(who.id), None, current, on_dead)

    async def _store_key_current(self, key: str, store_id: str) -> None:
        try:
            await self.authorize_store(key, store_id)
        except ProtocolError as exc:
            raise rules.replaced_store_key() from exc
