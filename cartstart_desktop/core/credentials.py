"""Where the shopper's session token lives: the OS keyring, never a file.

On a machine without a keyring (a headless Linux box: every call raises NoKeyringError), the cart
says so and keeps the token in memory for this run only.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from types import ModuleType

SERVICE = "CartStart"


class CredentialsUnavailable(Exception):
    """No usable OS keyring: the session can only last as long as the app runs."""


class CredentialStore(Protocol):
    def load(self, account: str) -> str | None: ...

    def save(self, account: str, secret: str) -> None: ...

    def delete(self, account: str) -> None: ...


def account_key(hub_url: str, email: str) -> str:
    return f"{email} @ {hub_url}"


def _keyring() -> ModuleType:
    # Imported on first use: `import keyring` scans every installed package's entry points for
    # backends (45 ms here), and the cart should paint its local contents before paying that.
    import keyring
    import keyring.errors

    return keyring


class KeyringCredentials:
    """The OS keyring through `keyring` (Secret Service, macOS Keychain, Windows Credential Locker)."""

    def load(self, account: str) -> str | None:
        keyring = _keyring()
        try:
            secret: str | None = keyring.get_password(SERVICE, account)
        except keyring.errors.KeyringError as exc:
            raise CredentialsUnavailable(str(exc)) from exc
        return secret

    def save(self, account: str, secret: str) -> None:
        keyring = _keyring()
        try:
            keyring.set_password(SERVICE, account, secret)
        except keyring.errors.KeyringError as exc:
            raise CredentialsUnavailable(str(exc)) from exc

    def delete(self, account: str) -> None:
        keyring = _keyring()
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


class SessionTokens:
    """Session tokens by account: in the OS keyring, or in memory when there is no keyring."""

    def __init__(self, keyring: CredentialStore) -> None:
        self._keyring = keyring
        self._memory = MemoryCredentials()

    def load(self, hub_url: str, email: str) -> str | None:
        key = account_key(hub_url, email)
        try:
            return self._keyring.load(key) or self._memory.load(key)
        except CredentialsUnavailable:
            return self._memory.load(key)

    def save(self, hub_url: str, email: str, token: str) -> bool:
        """Returns whether the token is remembered beyond this run (False: memory only)."""
        key = account_key(hub_url, email)
        try:
            self._keyring.save(key, token)
            return True
        except CredentialsUnavailable:
            self._memory.save(key, token)
            return False

    def delete(self, hub_url: str, email: str) -> None:
        key = account_key(hub_url, email)
        self._memory.delete(key)
        with contextlib.suppress(CredentialsUnavailable):
            self._keyring.delete(key)
