"""Calls in a live-selling session: video and audio between the store and the visitor, peer to
peer (or through a TURN relay), signalled over the live channel. The hub relays offers, answers
and ICE candidates between the two parties of the session and records each call's life in the
session's stream (never its media)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from .common import CommandId, Ident, Inbound, Outbound, Timestamp
from .live_views import Side

CallState = Literal["ringing", "active", "ended"]
EndReason = Literal[
    "declined",  # the called side said no
    "unanswered",  # nobody answered the ring in time
    "busy",  # the seller is in another call
    "hung_up",  # either side ended it
    "connection_lost",  # the media connection failed (ICE failed), as a side reported
    "peer_gone",  # the other side left the page during the call
    "credit_exhausted",  # a support call's credit ran out
    "interrupted",  # the hub lost a support call (a crash): charged up to its last tick
]
MAX_SDP = 32 * 1024


class CallInfo(Outbound):
    """A call of the session: who started it (the visitor asks, the store rings), where it is,
    and how it ended."""

    call_id: str
    started_by: Side
    state: CallState
    created_at: Timestamp
    answered_at: Timestamp | None = None
    ended_at: Timestamp | None = None
    end_reason: EndReason | None = None
    ended_by: Side | None = None
    duration: float | None = Field(None, description="Seconds from the answer to the end")
    support: bool = Field(False, description="A paid support call (shared_protocol/support.py)")


class IceServer(Outbound):
    """As RTCPeerConnection's `iceServers` takes it."""

    urls: list[str]
    username: str | None = None
    credential: str | None = None


class IceServers(Outbound):
    """STUN and TURN servers for calls; TURN credentials expire at `expires_at` (fetch again for a
    later call)."""

    ice_servers: list[IceServer]
    expires_at: Timestamp


# ---- client -> hub ---------------------------------------------------------------------------


class StartCall(Inbound):
    """The visitor asks for a call, or the store rings the visitor."""

    type: Literal["call"] = "call"
    id: CommandId
    support: bool = Field(
        False, description="The visitor asks for a paid support call (needs credit)"
    )


class AnswerCall(Inbound):
    """The called side accepts or declines."""

    type: Literal["answer_call"] = "answer_call"
    id: CommandId
    call_id: Ident
    accept: bool


class HangUp(Inbound):
    """Either side ends the call (or stops ringing); `connection_lost` when the media connection
    failed."""

    type: Literal["hang_up"] = "hang_up"
    id: CommandId
    call_id: Ident
    reason: Literal["hung_up", "connection_lost"] = "hung_up"


class SessionDescription(BaseModel):
    """RTCSessionDescriptionInit."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
    type: Literal["offer", "answer"]
    sdp: Annotated[str, Field(min_length=1, max_length=MAX_SDP)]


class IceCandidate(BaseModel):
    """RTCIceCandidateInit; an empty `candidate` says there are no more."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
    candidate: Annotated[str, Field(max_length=1024)]
    sdpMid: Annotated[str, Field(max_length=64)] | None = None
    sdpMLineIndex: Annotated[int, Field(ge=0, le=64)] | None = None


class Rtc(Inbound):
    """Signalling for the session's current call: an offer or answer, or an ICE candidate. Relayed
    to the other side as it is, never stored."""

    type: Literal["rtc"] = "rtc"
    call_id: Ident
    description: SessionDescription | None = None
    candidate: IceCandidate | None = None
    # The ring's preview (the rung visitor sees the store's camera before joining), a connection
    # of its own beside the call's (docs/protocol.md section 9a "Seeing who calls").
    preview: bool = False


class Media(Inbound):
    """This side's camera and microphone are on or off (the other side shows a placeholder)."""

    type: Literal["media"] = "media"
    call_id: Ident
    camera: bool
    microphone: bool


# ---- hub -> client ---------------------------------------------------------------------------


class CallChanged(Outbound):
    """Durable: a call was asked for, rang, was answered, or ended."""

    type: Literal["call"] = "call"
    seq: int
    call: CallInfo


class RtcRelayed(Outbound):
    """The other side's signalling."""

    type: Literal["rtc"] = "rtc"
    call_id: str
    side: Side
    description: SessionDescription | None = None
    candidate: IceCandidate | None = None
    preview: bool = False


class PeerMedia(Outbound):
    type: Literal["media"] = "media"
    call_id: str
    side: Side
    camera: bool
    microphone: bool


class SellerBusy(Outbound):
    """Whether the store is in a call (with this visitor or another): ask later, or wait."""

    type: Literal["seller_busy"] = "seller_busy"
    busy: bool


def trickled(kind: str, sdp: str) -> list[dict[str, object]]:
    """A complete local description (aiortc gathers every candidate before it describes) as a
    browser trickles it, as `rtc` bodies: the description without its candidates, each
    candidate on its own, then an empty one (no more candidates)."""
    bare: list[str] = []
    candidates: list[dict[str, object]] = []
    mid: str | None = None
    index = -1
    for line in sdp.splitlines():
        if line.startswith("m="):
            index += 1
        elif line.startswith("a=mid:"):
            mid = line.removeprefix("a=mid:")
        if line.startswith("a=candidate:"):
            text = line.removeprefix("a=")
            candidates.append(
                {"candidate": {"candidate": text, "sdpMid": mid, "sdpMLineIndex": index}}
            )
        elif line != "a=end-of-candidates":
            bare.append(line)
    described: dict[str, object] = {
        "description": {"type": kind, "sdp": "\r\n".join(bare) + "\r\n"}
    }
    end: dict[str, object] = {"candidate": {"candidate": "", "sdpMid": mid, "sdpMLineIndex": 0}}
    return [described, *candidates, end]
