"""The hub admin's API tokens: made on the command line (`cartstart-server admin token`),
checked on every admin request against the database, so a revocation holds at once on every
node. Only the secret's hash is stored."""

from __future__ import annotations

from shared_protocol import ErrorCode, ProtocolError
from shared_protocol.market import AdminTokenView

from ..clock import Clock
from ..credentials import (
    HUB_ADMIN,
    format_token,
    hash_secret,
    new_id,
    new_secret,
    parse_token,
    secret_matches,
)
from ..storage import hub_admin as store
from ..storage.base import Database
from ..storage.sql import Row

DAY = 86_400.0
MAX_DAYS = 3650
MAX_LABEL = 100


class HubAdmin:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def create(self, *, days: int = 90, label: str = "") -> tuple[str, str]:
        """A new token: (its id, the token, shown once)."""
        if not 1 <= days <= MAX_DAYS:
            raise ProtocolError(ErrorCode.INVALID_MESSAGE, f"a token lasts 1 to {MAX_DAYS} days")
        if len(label) > MAX_LABEL:
            raise ProtocolError(
                ErrorCode.INVALID_MESSAGE, f"a label is at most {MAX_LABEL} characters"
            )
        token_id, secret, now = new_id("ha"), new_secret(), self._clock.now()
        await self._db.write(
            store.add_token(token_id, hash_secret(secret), label, now, now + days * DAY)
        )
        return token_id, format_token(HUB_ADMIN, token_id, secret)

    async def authenticate(self, token: str) -> AdminTokenView:
        """The token's record, or 401: unknown, wrong secret, expired or revoked."""
        parsed = parse_token(token, HUB_ADMIN)
        row = await self._db.read(store.token(parsed[0])) if parsed else None
        if (
            parsed is None
            or row is None
            or not secret_matches(parsed[1], row["secret_hash"])
            or row["revoked_at"] is not None
            or row["expires_at"] <= self._clock.now()
        ):
            raise ProtocolError(
                ErrorCode.UNAUTHORIZED,
                "this needs a valid hub admin token (cartstart-server admin token); "
                "it may have expired or been revoked",
            )
        return _view(row)

    async def revoke(self, token_id: str) -> None:
        if not await self._db.write(store.revoke(token_id, self._clock.now())):
            raise ProtocolError(ErrorCode.NOT_FOUND, f"no active admin token {token_id!r}")

    async def listed(self) -> list[AdminTokenView]:
        return [_view(r) for r in await self._db.read(store.tokens())]


def _view(row: Row) -> AdminTokenView:
    return AdminTokenView(
        id=row["id"],
        label=row["label"],
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        revoked_at=row["revoked_at"],
    )
