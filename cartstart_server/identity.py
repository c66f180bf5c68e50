"""Who is who: shoppers' accounts and sessions, link tokens for pages, pairing codes.

The identity half of the Hub (which inherits it): plain reads and writes of the directory, no
events to publish.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass

from shared_protocol import ErrorCode, ProtocolError

from . import credentials as cred
from .clock import Clock
from .config import HubConfig
from .storage import directory
from .storage.base import Database
from .storage.directory import TokenRow

log = logging.getLogger(__name__)

PAIRING_TTL = 600.0  # seconds a pairing code can be used
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Verifying against this when the email is unknown makes "no such account" as slow as "wrong
# password", so response times do not reveal who has an account.
_DUMMY_HASH = cred.hash_password("not a password", 2**10)


@dataclass(frozen=True)
class Shopper:
    """A desktop cart signed in with a session token."""

    cart_id: str
    token_id: str


@dataclass(frozen=True)
class LinkedPage:
    """A page acting for a cart through a link token: it may add to that cart, nothing else."""

    cart_id: str
    token_id: str
    store_id: str | None


@dataclass(frozen=True)
class Session:
    token: str
    token_id: str
    account_id: str
    expires_at: float


@dataclass(frozen=True)
class IssuedLinkToken:
    token: str
    row: TokenRow


class Identity:
    def __init__(self, db: Database, clock: Clock, config: HubConfig) -> None:
        self.db = db
        self.clock = clock
        self.config = config

    # ---- shoppers ---------------------------------------------------------------------------------

    async def sign_up(self, email: str, password: str, display_name: str = "") -> str:
        email = email.strip().lower()
        if not _EMAIL.match(email) or len(email) > 254:
            raise ProtocolError(
                ErrorCode.INVALID_MESSAGE, "that does not look like an email address"
            )
        if not 8 <= len(password) <= 1024:
            raise ProtocolError(ErrorCode.INVALID_MESSAGE, "a password needs 8 to 1024 characters")
        password_hash = await asyncio.to_thread(cred.hash_password, password, self.config.scrypt_n)
        account_id = cred.new_id("ac")
        await self.db.write(
            directory.create_account(
                account_id, email, password_hash, display_name.strip()[:100], self.clock.now()
            )
        )
        log.info("account created", extra={"account": account_id})
        return account_id

    async def log_in(self, email: str, password: str, label: str = "") -> Session:
        account = await self.db.read(directory.account_by_email(email.strip().lower()))
        stored = account["password_hash"] if account else _DUMMY_HASH
        ok = await asyncio.to_thread(cred.verify_password, password, stored)
        if account is None or not ok:
            raise ProtocolError(ErrorCode.UNAUTHORIZED, "wrong email or password")
        token, row = await self._issue(
            "session", cred.SESSION, account["id"], None, label, self.config.session_ttl
        )
        return Session(token, row.id, row.account_id, row.expires_at)

    async def _issue(
        self, kind: str, prefix: str, account_id: str, store_id: str | None, label: str, ttl: float
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
        )
        await self.db.write(directory.create_token(row))
        return cred.format_token(prefix, row.id, secret), row

    async def _check_token(self, token: str | None, kind: str, prefix: str) -> TokenRow:
        parsed = cred.parse_token(token or "", prefix)
        row = await self.db.read(directory.get_token(parsed[0])) if parsed else None
        if parsed is None or row is None or row.kind != kind:
            raise ProtocolError(ErrorCode.UNAUTHORIZED, f"not a valid {kind} token")
        if not cred.secret_matches(parsed[1], row.secret_hash):
            raise ProtocolError(ErrorCode.UNAUTHORIZED, f"not a valid {kind} token")
        if row.revoked_at is not None:
            raise ProtocolError(ErrorCode.UNAUTHORIZED, f"this {kind} token was revoked")
        if row.expires_at <= self.clock.now():
            raise ProtocolError(ErrorCode.UNAUTHORIZED, f"this {kind} token has expired")
        return row

    async def authenticate_shopper(self, token: str | None) -> Shopper:
        row = await self._check_token(token, "session", cred.SESSION)
        return Shopper(cart_id=row.account_id, token_id=row.id)

    async def authenticate_link(self, token: str | None) -> LinkedPage:
        row = await self._check_token(token, "link", cred.LINK)
        return LinkedPage(cart_id=row.account_id, token_id=row.id, store_id=row.store_id)

    async def log_out(self, shopper: Shopper) -> None:
        await self.db.write(
            directory.revoke_token(shopper.token_id, shopper.cart_id, "session", self.clock.now())
        )

    async def mint_link_token(
        self, shopper: Shopper, store_id: str | None, ttl: float | None, label: str
    ) -> IssuedLinkToken:
        if store_id is not None and await self.db.read(directory.get_store(store_id)) is None:
            raise ProtocolError(ErrorCode.NOT_FOUND, f"no store {store_id!r}")
        lifetime = min(ttl or self.config.link_token_ttl, self.config.link_token_ttl)
        token, row = await self._issue(
            "link", cred.LINK, shopper.cart_id, store_id, label, lifetime
        )
        return IssuedLinkToken(token, row)

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
        now = self.clock.now()
        secret = cred.new_secret()
        draft = TokenRow(
            id=cred.new_id("tk"),
            kind="link",
            secret_hash=cred.hash_secret(secret),
            account_id="",
            store_id=None,
            label=(label or "Paired browser")[:100],
            created_at=now,
            expires_at=now + self.config.link_token_ttl,
            revoked_at=None,
        )
        code_hash = cred.hash_secret(cred.normalize_pairing_code(code))
        row = await self.db.write(directory.redeem_pairing_code(code_hash, draft))
        return IssuedLinkToken(cred.format_token(cred.LINK, row.id, secret), row)

    async def link_tokens(self, shopper: Shopper) -> list[TokenRow]:
        return await self.db.read(directory.list_tokens(shopper.cart_id, "link", self.clock.now()))

    async def revoke_link_token(self, shopper: Shopper, token_id: str) -> None:
        await self.db.write(
            directory.revoke_token(token_id, shopper.cart_id, "link", self.clock.now())
        )
