"""HTTP long-polling on the same outboxes as the WebSockets: one stream, two ways to read it.

`after` is the last seq the client applied, exactly like `resume_from` on a WebSocket, so a client
may switch between the two at any moment without losing or repeating a message. Polling with
`after=N` also acknowledges N.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Response
from pydantic import BaseModel

from ..services.streams import Batch


class PollResponse(BaseModel):
    """`messages`: the stream's frames after `after`, in order. If the stream cannot be replayed
    from `after` (never seen, or already forgotten), `snapshot` holds the current state instead;
    continue from its `head_seq`."""

    messages: list[dict[str, Any]]
    head_seq: int
    snapshot: dict[str, Any] | None = None


def poll_response(batch: Batch) -> Response:
    """The answer as JSON, the frames spliced in as they were encoded (never decoded here)."""
    if batch.snapshot is not None:
        snap = batch.snapshot.model_dump_json()
        body = f'{{"messages":[],"head_seq":{batch.head_seq},"snapshot":{snap}}}'
    else:
        head = json.dumps({"head_seq": batch.head_seq, "snapshot": None})[1:-1]
        body = '{"messages":[' + ",".join(batch.frames) + "]," + head + "}"
    return Response(body, media_type="application/json")
