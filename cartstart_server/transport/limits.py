"""What the transports allow a client: the hub's settings that concern a connection or request
(filled in from HubConfig by the composition root)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    hello_timeout: float  # seconds a new socket has to say hello
    rate_per_second: float  # messages per second per connection, on average
    rate_burst: float  # and in a burst
    flood_strikes: int  # refused messages answered `rate_limited`; the next one closes
    max_frame_bytes: int
    max_body_bytes: int
    max_connections: int  # WebSocket connections
    long_poll_max: float  # the longest a poll request is held open
    max_upload_bytes: int = 5 * 1024 * 1024  # an image for a live-selling board
