"""The shopper's account on a hub: signing up, in and out, and the session token.

The token lives in the OS keyring (memory only, for this run, when there is none). The cart on
this computer belongs to one account: signing in as another, or out, forgets it.
"""

from __future__ import annotations

import contextlib
import platform
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from shared_protocol import ErrorCode

from .api import HubApi, HubError, HubUnreachable, normalize_hub_url
from .credentials import SessionTokens
from .hub_link import HubLink
from .lang import _
from .observable import Signal
from .settings import Settings


@dataclass(frozen=True)
class LoginOutcome:
    remembered: bool
    """False when there is no OS keyring: the session lasts until the app closes."""


class Account:
    def __init__(
        self,
        link: HubLink,
        tokens: SessionTokens,
        settings: Settings,
        directory: Path,
        *,
        forget_cart: Callable[[], Awaitable[None]],
    ) -> None:
        self._link = link
        self._tokens = tokens
        self._settings = settings
        self._directory = directory
        self._forget_cart = forget_cart
        self.signed_out: Signal[str] = Signal()
        """Why the shopper must log in (again)."""
        self.logged_in: Signal[LoginOutcome] = Signal()
        """A sign-in succeeded, from the dialog, the command line or a script alike (the window
        tells the shopper once when there is no keyring to remember it in)."""
        link.refused.connect(self._refused)

    @property
    def signed_in(self) -> bool:
        return self._link.token is not None

    def resume(self) -> bool:
        """Connect with the token stored for the last account, if any; returns whether it did."""
        hub_url, email = self._settings.hub_url, self._settings.email
        if not (hub_url and email):
            return False
        token = self._tokens.load(hub_url, email)
        if token is None:
            return False
        self._link.connect(hub_url, token)
        return True

    async def log_in(
        self,
        hub_address: str,
        email: str,
        password: str,
        *,
        create_account: bool = False,
        display_name: str = "",
    ) -> LoginOutcome:
        """Sign up (optionally) and log in; the token goes to the OS keyring. Raises ValueError
        for a bad address, HubUnreachable, or HubError (wrong password, email taken, ...)."""
        hub_url = normalize_hub_url(hub_address)
        email = email.strip().lower()
        api = HubApi(hub_url)
        try:
            await api.discover()
            if create_account:
                await api.sign_up(email, password, display_name)
            issued = await api.log_in(email, password, f"Desktop cart on {platform.node()}")
        finally:
            await api.close()
        await self._link.disconnect()
        if (self._settings.hub_url, self._settings.email) != (hub_url, email):
            await self._forget_cart()  # another account's cart is not this one
        remembered = self._tokens.save(hub_url, email, issued.token)
        self._settings.hub_url, self._settings.email = hub_url, email
        self._settings.save(self._directory)
        self._link.connect(hub_url, issued.token)
        outcome = LoginOutcome(remembered)
        self.logged_in.emit(outcome)
        return outcome

    async def sign_out(self) -> None:
        """End the session at the hub, delete the token, and forget this cart on this computer."""
        if self._link.api is not None:
            with contextlib.suppress(HubUnreachable, HubError):
                await self._link.api.log_out()
        self._forget_token()
        await self._link.disconnect()
        await self._forget_cart()
        self.signed_out.emit(_("Signed out."))

    def _refused(self, reason: str) -> None:
        from .words import SENTENCES  # the words table loads when there is something to say

        self._forget_token()
        self.signed_out.emit(SENTENCES[ErrorCode.UNAUTHORIZED])

    def _forget_token(self) -> None:
        self._tokens.delete(self._settings.hub_url, self._settings.email)
