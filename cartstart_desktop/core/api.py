"""The hub's HTTP API as the desktop cart uses it (httpx): accounts, link tokens, pairing, the
polling half of the cart channel, personalised items' drafts, and live sessions attached to the
cart (and their polling)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from shared_protocol import ErrorCode

from .lang import _

if TYPE_CHECKING:
    import httpx


class HubUnreachable(Exception):
    """The hub did not answer (network down, hub stopped, DNS, timeout)."""

    def __init__(self, message: str, hub_url: str = "") -> None:
        super().__init__(message)
        self.hub_url = hub_url


class BadAddress(ValueError):
    """What was typed as the hub's address is not one (the text says why, for people)."""


class HubError(Exception):
    """The hub answered with a typed error."""

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or {}

    @property
    def unauthorized(self) -> bool:
        return self.code == ErrorCode.UNAUTHORIZED.value


@dataclass(frozen=True)
class Discovery:
    http_url: str
    cart_ws_url: str
    versions: tuple[int, ...]
    live_ws_url: str = ""


@dataclass(frozen=True)
class IssuedToken:
    token: str
    token_id: str
    expires_at: float


def normalize_hub_url(text: str) -> str:
    """What a person types ("hub.example.org:8740") to a base URL ("http://hub.example.org:8740")."""
    url = text.strip()
    if not url:
        raise BadAddress(_("enter the hub's address, for example hub.example.org:8740"))
    if "://" not in url:
        url = "http://" + url
    try:
        parsed = urlsplit(url)
        parsed.port  # noqa: B018 (raises ValueError for a bad port)
    except ValueError:
        raise BadAddress(_not_an_address(text)) from None
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise BadAddress(_not_an_address(text))
    return url.rstrip("/")


def _not_an_address(text: str) -> str:
    return _("“{text}” is not a hub address: type it like hub.example.org:8740", text=text.strip())


class HubApi:
    def __init__(self, hub_url: str, *, timeout: float = 10.0) -> None:
        self.hub_url = hub_url
        self._timeout = timeout
        # httpx is imported when the first client is made, not at start-up: the cart paints
        # its saved contents first (httpx costs ~20 ms to import).
        import httpx

        self._client: httpx.AsyncClient = httpx.AsyncClient(base_url=hub_url, timeout=timeout)
        self.token: str | None = None

    async def close(self) -> None:
        await self._client.aclose()

    async def _request(
        self,
        method: str,
        path: str,
        *,
        auth: bool = True,
        seconds: float | None = None,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> Any:
        import httpx  # already loaded by __init__

        headers = dict(headers or {})
        if auth and self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            response = await self._client.request(
                method, path, headers=headers, timeout=seconds or self._timeout, **kwargs
            )
        except httpx.TransportError as exc:  # connect errors, timeouts, resets
            raise HubUnreachable(
                f"{self.hub_url}: {exc or type(exc).__name__}", self.hub_url
            ) from exc
        if response.status_code >= 400:
            try:
                error = response.json()["error"]
            except (ValueError, KeyError, TypeError):
                raise HubError(
                    "internal", f"unexpected answer from the hub ({response.status_code})"
                ) from None
            raise HubError(error["code"], error["message"], error.get("details"))
        return response.json() if response.content else None

    async def discover(self) -> Discovery:
        body = await self._request("GET", "/.well-known/cartstart.json", auth=False)
        channels = body["channels"]
        return Discovery(
            body["http_url"],
            channels["cart"],
            tuple(body["protocol_versions"]),
            channels.get("live", ""),
        )

    async def sign_up(self, email: str, password: str, display_name: str = "") -> None:
        await self._request(
            "POST",
            "/api/accounts",
            auth=False,
            json={"email": email, "password": password, "display_name": display_name},
        )

    async def log_in(self, email: str, password: str, label: str) -> IssuedToken:
        body = await self._request(
            "POST",
            "/api/sessions",
            auth=False,
            json={"email": email, "password": password, "label": label},
        )
        return IssuedToken(body["token"], body["token_id"], body["expires_at"])

    async def log_out(self) -> None:
        await self._request("DELETE", "/api/sessions/current")

    async def snapshot(self) -> dict[str, Any]:
        result: dict[str, Any] = await self._request("GET", "/api/cart")
        return result

    async def command(self, body: str) -> dict[str, Any]:
        """Post a command's JSON (as the WebSocket would send it); returns the result."""
        result: dict[str, Any] = await self._request(
            "POST",
            "/api/cart/commands",
            content=body,
            headers={"Content-Type": "application/json"},
        )
        return {"type": "result", **result}

    async def events(self, after: int, wait: float) -> dict[str, Any]:
        result: dict[str, Any] = await self._request(
            "GET",
            "/api/cart/events",
            params={"after": after, "wait": wait},
            seconds=wait + self._timeout,
        )
        return result

    async def mint_link_token(self, store_id: str | None, label: str) -> IssuedToken:
        body = await self._request(
            "POST", "/api/cart/link-tokens", json={"store_id": store_id, "label": label}
        )
        return IssuedToken(body["token"], body["token_id"], body["expires_at"])

    async def link_tokens(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = await self._request("GET", "/api/cart/link-tokens")
        return result

    async def revoke_link_token(self, token_id: str) -> None:
        await self._request("DELETE", f"/api/cart/link-tokens/{token_id}")

    async def pairing_code(self) -> tuple[str, float]:
        body = await self._request("POST", "/api/cart/pairing-codes", json={})
        return body["code"], body["expires_at"]

    # ---- personalised items' drafts (docs/personalise.md) -------------------------------------

    @staticmethod
    def _draft_path(store_id: str, product_id: str) -> str:
        return f"/api/cart/drafts/{quote(store_id, safe='')}/{quote(product_id, safe='')}"

    async def drafts(self) -> list[dict[str, Any]]:
        """The cart's drafts, and an unstarted one for every held personalised item."""
        result: list[dict[str, Any]] = await self._request("GET", "/api/cart/drafts")
        return result

    async def draft(self, store_id: str, product_id: str) -> dict[str, Any]:
        result: dict[str, Any] = await self._request("GET", self._draft_path(store_id, product_id))
        return result

    async def edit_draft(
        self, store_id: str, product_id: str, values: dict[str, Any]
    ) -> dict[str, Any]:
        result: dict[str, Any] = await self._request(
            "POST", self._draft_path(store_id, product_id), json={"values": values}
        )
        return result

    async def draft_consent(self, store_id: str, product_id: str, allow: bool) -> dict[str, Any]:
        """Let the shop edit the form with the shopper, or stop it."""
        result: dict[str, Any] = await self._request(
            "POST", self._draft_path(store_id, product_id) + "/consent", json={"allow": allow}
        )
        return result

    # ---- live sessions attached to this cart ---------------------------------------------------

    async def start_live_session(self, store_id: str, label: str) -> str:
        """A new live session with a store, as its page would start one; returns its link."""
        result: dict[str, Any] = await self._request(
            "POST", f"/api/live/stores/{store_id}/sessions", json={"label": label}
        )
        return str(result["link"])

    async def attach_live_session(self, link: str) -> dict[str, Any]:
        """Attach the session a link holds: its held items join this cart."""
        result: dict[str, Any] = await self._request(
            "POST", "/api/cart/live-sessions", json={"link": link}
        )
        return result

    async def live_sessions(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = await self._request("GET", "/api/cart/live-sessions")
        return result

    async def live_snapshot(self, session_id: str) -> dict[str, Any]:
        result: dict[str, Any] = await self._request("GET", f"/api/cart/live-sessions/{session_id}")
        return result

    async def live_events(self, session_id: str, after: int, wait: float) -> dict[str, Any]:
        result: dict[str, Any] = await self._request(
            "GET",
            f"/api/cart/live-sessions/{session_id}/events",
            params={"after": after, "wait": wait},
            seconds=wait + self._timeout,
        )
        return result

    async def live_ice_servers(self, session_id: str) -> dict[str, Any]:
        """STUN and TURN servers for a call in this session (TURN credentials expire)."""
        result: dict[str, Any] = await self._request(
            "GET", f"/api/cart/live-sessions/{session_id}/ice-servers"
        )
        return result

    async def live_command(self, session_id: str, body: str) -> dict[str, Any]:
        """A session command's JSON (as the WebSocket would send it); returns the reply."""
        result: dict[str, Any] = await self._request(
            "POST",
            f"/api/cart/live-sessions/{session_id}/commands",
            content=body,
            headers={"Content-Type": "application/json"},
        )
        return result
