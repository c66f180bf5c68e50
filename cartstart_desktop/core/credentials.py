"""Where the shopper's session token lives: the OS keyring, never a file.

On a machine without a keyring (a headless Linux box: every call raises NoKeyringError), the cart
says so and keeps the token in memory for this run only.
"""

from __future__ import annotations

from typing import Protocol

import keyring
import keyring.errors

SERVICE = "CartStart"


class CredentialsUnavailable(Exception):
    """No usable OS keyring: the session can only last as long as the app runs."""


class CredentialStore(Protocol):
    def load(self, account: str) -> str | None: ...

    def save(self, account: str, secret: str) -> None: ...

    def delete(self, account: str) -> None: ...


def account_key(hub_url: str, email: str) -> str:
    return f"{email} @ {hub_url}"


class KeyringCredentials:
    """The OS keyring through `keyring` (Secret Service, macOS Keychain, Windows Credential Locker)."""

    def load(self, account: str) -> str | None:
        try:
            return keyring.get_password(SERVICE, account)
        except keyring.errors.KeyringError as exc:
            raise CredentialsUnavailable(str(exc)) from exc

    def save(self, account: str, secret: str) -> None:
        try:
            keyring.set_password(SERVICE, account, secret)
        except keyring.errors.KeyringError as exc:
            raise CredentialsUnavailable(str(exc)) from exc

    def delete(self, account: str) -> None:
        try:
            keyring.delete_password(SERVICE, account)
        except keyring.errors.PasswordDeleteError:
            pass  # already gone
        except keyring.errors.KeyringError as exc:
            raise CredentialsUnavailable(str(exc)) from exc


class MemoryCredentials:
    """For this run only (the shopper was told): nothing touches the disk."""

    def __init__(self) -> None:
        self._secrets: dict[str, str] = {}

    def load(self, account: str) -> str | None:
        return self._secrets.get(account)

    def save(self, account: str, secret: str) -> None:
        self._secrets[account] = secret

    def delete(self, account: str) -> None:
        self._secrets.pop(account, None)
