"""Who is who: stores, shopper accounts, and tokens (sessions, link tokens, connected browsers)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..domain import identity as rules
from .sql import Plan, Row, Stmt, one


@dataclass(frozen=True)
class StoreRow:
    id: str
    name: str
    key_hash: str
    default_ttl: float
    renewal_limit: int
    origins_json: str  # read on every reservation, parsed only when asked for (`origins`)
    payment_url_template: str | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = None
    contact_email: str | None = None  # where marketplace requests are emailed

    @property
    def origins(self) -> tuple[str, ...]:
        return tuple(json.loads(self.origins_json))

    @classmethod
    def of(cls, row: Row) -> StoreRow:
        return cls(
            id=row["id"],
            name=row["name"],
            key_hash=row["key_hash"],
            default_ttl=float(row["default_ttl"]),
            renewal_limit=int(row["renewal_limit"]),
            origins_json=row["origins"],
            payment_url_template=row.get("payment_url_template"),
            webhook_url=row.get("webhook_url"),
            webhook_secret=row.get("webhook_secret"),
            contact_email=row.get("contact_email"),
        )


@dataclass(frozen=True)
class TokenRow:
    id: str
    kind: str
    secret_hash: str
    account_id: str
    store_id: str | None
    label: str
    created_at: float
    expires_at: float
    revoked_at: float | None
    browser_id: str | None = None  # the connected browser that made this link token

    @classmethod
    def of(cls, row: Row) -> TokenRow:
        return cls(**{k: row[k] for k in cls.__dataclass_fields__})


def create_store(
    store_id: str,
    name: str,
    key_hash: str,
    default_ttl: float,
    renewal_limit: int,
    origins: list[str],
    now: float,
) -> Plan[None]:
    yield Stmt(
        "INSERT INTO stores (id, name, key_hash, default_ttl, renewal_limit, origins, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (store_id, name, key_hash, default_ttl, renewal_limit, json.dumps(origins), now),
    )


def set_store_key(store_id: str, key_hash: str) -> Plan[None]:
    rows = yield Stmt(
        "UPDATE stores SET key_hash = ? WHERE id = ? RETURNING id", (key_hash, store_id)
    )
    if not rows:
        raise rules.no_store(store_id)


def get_store(store_id: str) -> Plan[StoreRow | None]:
    # Every reservation reads its store: within one group commit, once is enough.
    row = one((yield Stmt("SELECT * FROM stores WHERE id = ?", (store_id,), reuse="stores")))
    return StoreRow.of(row) if row else None


def require_store(store_id: str) -> Plan[StoreRow]:
    store = yield from get_store(store_id)
    if store is None:
        raise rules.no_store(store_id)
    return store


def list_stores() -> Plan[list[StoreRow]]:
    rows = yield Stmt("SELECT * FROM stores ORDER BY created_at, id")
    return [StoreRow.of(r) for r in rows]


def find_store_by_name(name: str) -> Plan[StoreRow | None]:
    row = one((yield Stmt("SELECT * FROM stores WHERE name = ? ORDER BY created_at", (name,))))
    return StoreRow.of(row) if row else None


@dataclass(frozen=True)
class SettingsChange:
    """None leaves a setting as it is; "" clears the payment link or the webhook."""

    default_ttl: float | None = None
    renewal_limit: int | None = None
    origins: list[str] | None = None
    payment_url_template: str | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = None  # set together with a new webhook_url
    contact_email: str | None = None


def update_settings(store_id: str, change: SettingsChange) -> Plan[StoreRow]:
    row = one(
        (
            yield Stmt(
                "UPDATE stores SET default_ttl = COALESCE(?, default_ttl), "
                "renewal_limit = COALESCE(?, renewal_limit), origins = COALESCE(?, origins), "
                "payment_url_template = CASE WHEN CAST(? AS TEXT) IS NULL "
                "THEN payment_url_template "
                "ELSE NULLIF(?, '') END, "
                "webhook_url = CASE WHEN CAST(? AS TEXT) IS NULL THEN webhook_url "
                "ELSE NULLIF(?, '') END, "
                "webhook_secret = CASE WHEN CAST(? AS TEXT) IS NULL THEN webhook_secret "
                "ELSE NULLIF(?, '') END, "
                "contact_email = CASE WHEN CAST(? AS TEXT) IS NULL THEN contact_email "
                "ELSE NULLIF(?, '') END "
                "WHERE id = ? RETURNING *",
                (
                    change.default_ttl,
                    change.renewal_limit,
                    None if change.origins is None else json.dumps(change.origins),
                    change.payment_url_template,
                    change.payment_url_template,
                    change.webhook_url,
                    change.webhook_url,
                    change.webhook_secret,
                    change.webhook_secret,
                    change.contact_email,
                    change.contact_email,
                    store_id,
                ),
            )
        )
    )
    if row is None:
        raise rules.no_store(store_id)
    return StoreRow.of(row)


def create_account(
    account_id: str, email: str, password_hash: str, display_name: str, now: float
) -> Plan[None]:
    taken = one((yield Stmt("SELECT id FROM accounts WHERE email = ?", (email,))))
    if taken is not None:
        raise rules.email_taken()
    yield Stmt(
        "INSERT INTO accounts (id, email, password_hash, display_name, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (account_id, email, password_hash, display_name, now),
    )


def account_by_email(email: str) -> Plan[Row | None]:
    return one((yield Stmt("SELECT * FROM accounts WHERE email = ?", (email,))))


def create_token(token: TokenRow) -> Plan[None]:
    yield Stmt(
        "INSERT INTO tokens (id, kind, secret_hash, account_id, store_id, label, created_at, "
        "expires_at, revoked_at, browser_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            token.id,
            token.kind,
            token.secret_hash,
            token.account_id,
            token.store_id,
            token.label,
            token.created_at,
            token.expires_at,
            token.revoked_at,
            token.browser_id,
        ),
    )


def create_browser_link(token: TokenRow) -> Plan[None]:
    """A link token made by a connected browser (`token.browser_id`), in the same transaction as
    the check that the browser is still connected: revoking a browser revokes the links it made,
    and none may slip in after."""
    live = one(
        (
            yield Stmt(
                "SELECT 1 AS ok FROM tokens WHERE id = ? AND kind = 'browser' "
                "AND revoked_at IS NULL AND expires_at > ?",
                (token.browser_id, token.created_at),
            )
        )
    )
    if live is None:
        raise rules.browser_gone()
    yield from create_token(token)


def all_origins() -> Plan[dict[str, tuple[str, ...]]]:
    """Every store's registered web origins, by store id."""
    rows = yield Stmt("SELECT id, origins FROM stores")
    return {r["id"]: tuple(json.loads(r["origins"])) for r in rows}


def require_live_token(token_id: str, now: float) -> Plan[None]:
    """Inside a command's transaction: the token it was authorised with must still be valid
    (a page connected before its token was revoked must not go on adding)."""
    row = one(
        (
            yield Stmt(
                "SELECT 1 AS ok FROM tokens WHERE id = ? AND revoked_at IS NULL AND expires_at > ?",
                (token_id, now),
            )
        )
    )
    if row is None:
        raise rules.link_token_dead()


def get_token(token_id: str) -> Plan[TokenRow | None]:
    row = one((yield Stmt("SELECT * FROM tokens WHERE id = ?", (token_id,))))
    return TokenRow.of(row) if row else None


def revoke_token(token_id: str, account_id: str, kind: str, now: float) -> Plan[None]:
    rows = yield Stmt(
        "UPDATE tokens SET revoked_at = COALESCE(revoked_at, ?) "
        "WHERE id = ? AND account_id = ? AND kind = ? RETURNING id",
        (now, token_id, account_id, kind),
    )
    if not rows:
        raise rules.no_such_token(kind)


def list_tokens(account_id: str, kinds: tuple[str, ...], now: float) -> Plan[list[TokenRow]]:
    """The account's live tokens of these kinds, oldest first."""
    marks = ", ".join("?" for _ in kinds)
    rows = yield Stmt(
        f"SELECT * FROM tokens WHERE account_id = ? AND kind IN ({marks}) "
        "AND revoked_at IS NULL AND expires_at > ? ORDER BY created_at, id",
        (account_id, *kinds, now),
    )
    return [TokenRow.of(r) for r in rows]


def revoke_link(token_id: str, account_id: str, now: float) -> Plan[list[str]]:
    """Revoke a link token, or a connected browser together with every link token it made (so
    the shops it connected stop adding too). Returns the ids revoked now, to announce."""
    found = one(
        (
            yield Stmt(
                "SELECT revoked_at FROM tokens WHERE id = ? AND account_id = ? "
                "AND kind IN ('link', 'browser')",
                (token_id, account_id),
            )
        )
    )
    if found is None:
        raise rules.no_such_token("link")
    rows = yield Stmt(
        "UPDATE tokens SET revoked_at = ? WHERE account_id = ? AND revoked_at IS NULL "
        "AND (id = ? OR (browser_id = ? AND kind = 'link')) RETURNING id",
        (now, account_id, token_id, token_id),
    )
    return [r["id"] for r in rows]


def create_pairing_code(
    code_hash: str, account_id: str, store_id: str | None, now: float, expires_at: float
) -> Plan[None]:
    yield Stmt(
        "INSERT INTO pairing_codes (code_hash, account_id, store_id, created_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (code_hash, account_id, store_id, now, expires_at),
    )


def redeem_pairing_code(code_hash: str, token: TokenRow) -> Plan[TokenRow]:
    """Use a pairing code once: mark it used and mint its token (a page's link token, or a
    connected browser's) in the same transaction. The token gets the code's cart and store."""
    row = one(
        (
            yield Stmt(
                "UPDATE pairing_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL "
                "AND expires_at > ? RETURNING account_id, store_id",
                (token.created_at, code_hash, token.created_at),
            )
        )
    )
    if row is None:
        raise rules.unknown_pairing_code()
    issued = TokenRow(
        **{**token.__dict__, "account_id": row["account_id"], "store_id": row["store_id"]}
    )
    yield from create_token(issued)
    return issued
