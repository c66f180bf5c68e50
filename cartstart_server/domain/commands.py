"""Commands carry a client-chosen id, which is also their idempotency key."""

from __future__ import annotations

from shared_protocol import ErrorCode, ProtocolError

RETENTION_SECONDS = 24 * 3600  # how long a command's first result is kept for its retries


def reused_command_id(key: str) -> ProtocolError:
    return ProtocolError(
        ErrorCode.IDEMPOTENCY_CONFLICT,
        f"command id {key!r} was already used for a different command",
        command_id=key,
    )
