"""Calls as rules: who may answer, what ends a call, what signalling looks like, how long a ring
lasts, TURN credentials, and the refusals' words. No I/O; times come in as arguments."""

from __future__ import annotations

import base64
import hashlib
import hmac

from shared_protocol import ErrorCode, ProtocolError
from shared_protocol.calls import IceCandidate, SessionDescription
from shared_protocol.live_views import Side

RING_SECONDS = 30.0


def check_description(description: SessionDescription) -> None:
    """An SDP is lines of `x=...`, starting with the version line; anything else would only
    fail in the other side's browser, where its sender never hears of it."""
    lines = description.sdp.replace("\r\n", "\n").split("\n")
    if lines[0] != "v=0" or not any(line.startswith("m=") for line in lines):
        raise ProtocolError(
            ErrorCode.INVALID_MESSAGE,
            "not a session description: it must start with v=0 and have a media (m=) line",
            field="description.sdp",
        )


def check_candidate(candidate: IceCandidate) -> None:
    text = candidate.candidate
    if text and (not text.startswith("candidate:") or len(text.split()) < 8):
        raise ProtocolError(
            ErrorCode.INVALID_MESSAGE,
            "not an ICE candidate: it must read `candidate:<foundation> <component> <transport> "
            "<priority> <address> <port> typ <type> ...` (or be empty: no more candidates)",
            field="candidate.candidate",
        )


def no_call(call_id: str) -> ProtocolError:
    return ProtocolError(ErrorCode.NOT_FOUND, f"no call {call_id!r} in this session")


def call_over(call_id: str) -> ProtocolError:
    return ProtocolError(ErrorCode.INVALID_STATE, f"the call {call_id!r} has ended")


def already_in_call() -> ProtocolError:
    return ProtocolError(ErrorCode.CONFLICT, "this session already has a call; hang it up first")


def store_busy() -> ProtocolError:
    return ProtocolError(ErrorCode.CONFLICT, "you are in another call: hang it up first")


def not_yours_to_answer(started_by: Side) -> ProtocolError:
    who = "the visitor" if started_by == "store" else "the store"
    return ProtocolError(ErrorCode.FORBIDDEN, f"only {who} can answer this call")


def not_answered_yet() -> ProtocolError:
    return ProtocolError(ErrorCode.INVALID_STATE, "the call has not been answered yet")


def only_visitors_rate() -> ProtocolError:
    return ProtocolError(ErrorCode.FORBIDDEN, "only the visitor can rate a call")


def check_ratable(state: str, answered_at: float | None) -> None:
    """A call is rated once it has ended, and only if it was answered (a ring is no call)."""
    if state != "ended":
        raise ProtocolError(ErrorCode.INVALID_STATE, "the call is still going: rate it after")
    if answered_at is None:
        raise ProtocolError(
            ErrorCode.INVALID_STATE, "the call was never answered, so there is nothing to rate"
        )


def already_rated() -> ProtocolError:
    return ProtocolError(ErrorCode.CONFLICT, "you have rated this call already, thank you")


def turn_credentials(secret: str, user: str, expires_at: int) -> tuple[str, str]:
    """The TURN REST convention (coturn's `use-auth-secret`): the username carries its expiry,
    the password is base64(HMAC-SHA1(secret, username))."""
    username = f"{expires_at}:{user}"
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return username, base64.b64encode(digest).decode()
