"""Commands the cart sends the hub: the protocol's own models, never JSON built by hand.

A command's id is its idempotency key at the hub. The connection retries the same model, so
every try carries the same id and a lost reply never applies a command twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TypeVar, get_args

from pydantic import BaseModel, ValidationError

from shared_protocol import ErrorCode
from shared_protocol.cart import Checkout, Release, Renew, Reserve, SetQuantity, Sync

from .api import HubError

Command = Reserve | SetQuantity | Release | Renew | Checkout | Sync
"""What the cart asks of the hub and waits for an answer to (the answer carries the id)."""

M = TypeVar("M", bound=BaseModel)
_TYPES = {model.__name__: model.model_fields["type"].default for model in get_args(Command)}


def command_id() -> str:
    return uuid.uuid4().hex


def build(make: Callable[[], M]) -> M:
    """Make a command, checked as the hub would check it. One the hub would refuse (a quantity
    out of range) is refused here, before it is sent, with the HubError (and the `problems` in
    its details) the hub would have answered."""
    try:
        return make()
    except ValidationError as exc:
        kind = _TYPES.get(exc.title, exc.title)
        problems = [
            {"loc": ".".join(str(p) for p in err["loc"]), "msg": err["msg"]}
            for err in exc.errors(include_url=False)[:10]
        ]
        summary = "; ".join(f"{p['loc'] or kind}: {p['msg']}" for p in problems)
        message = f"invalid {kind!r} message: {summary}"
        raise HubError(ErrorCode.INVALID_MESSAGE.value, message, {"problems": problems}) from None
