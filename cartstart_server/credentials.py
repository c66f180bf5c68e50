"""Passwords, API keys and tokens. Nothing secret is stored in clear.

Tokens look like `<kind>.<id>.<secret>`: the id finds the row, the secret is checked against its
SHA-256 (a 256-bit random secret needs no slow hash). Passwords, chosen by people, get scrypt.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import secrets
import time

SESSION = "css"
LINK = "csl"
BROWSER = "csb"  # a browser connected on the hub's connect page
STORE_KEY = "csk"
LIVE = "csv"  # a live-selling session's link (the visitor's side)
AGENT = "csa"  # a store agent's console sign-in (docs/agents.md)
HUB_ADMIN = "csh"  # the hub admin's API token (docs/admin.md, marketplace)

_SCRYPT_R = 8
_SCRYPT_P = 1


def new_id(prefix: str) -> str:
    return prefix + secrets.token_hex(8)


_ordinal = itertools.count()
_process_salt = secrets.token_hex(3)  # two hub nodes minting in the same microsecond still differ


def new_ordered_id(prefix: str) -> str:
    """An id that sorts by creation time, for rows written at a high rate (tickets): new keys land
    at the end of the primary-key index instead of on a random page of it. Not a secret (nothing
    is authorized by knowing it), so no system randomness is spent on it."""
    return f"{prefix}{time.time_ns() // 1000:013x}{_process_salt}{next(_ordinal) & 0xFFFFFF:06x}"


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(secret), stored_hash)


def format_token(kind: str, ident: str, secret: str) -> str:
    return f"{kind}.{ident}.{secret}"


def parse_token(token: str, kind: str) -> tuple[str, str] | None:
    parts = token.split(".", 2)
    if len(parts) != 3 or parts[0] != kind or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def hash_password(password: str, n: int) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode(),
        salt=salt,
        n=n,
        r=_SCRYPT_R,
        p=_SCRYPT_P,
        maxmem=256 * n * _SCRYPT_R,
        dklen=32,
    )
    return f"scrypt${n}${_SCRYPT_R}${_SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            password.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=256 * int(n) * int(r),
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


# No 0/O, 1/I/L: a code is read off one screen and typed on another.
PAIRING_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
PAIRING_LENGTH = 8  # 31**8 is about 8.5e11: unguessable in the minutes a code lives


def new_pairing_code() -> str:
    raw = "".join(secrets.choice(PAIRING_ALPHABET) for _ in range(PAIRING_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def new_discount_code() -> str:
    """'CS-K7QM-2XHD': typed by people at times, so the pairing alphabet (no 0/O, 1/I/L)."""
    raw = "".join(secrets.choice(PAIRING_ALPHABET) for _ in range(PAIRING_LENGTH))
    return f"CS-{raw[:4]}-{raw[4:]}"


def new_webhook_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def normalize_pairing_code(code: str) -> str:
    """What the shopper typed, without dashes, spaces or case: 'abcd efgh' == 'ABCD-EFGH'."""
    return "".join(ch for ch in code.upper() if ch.isalnum())
