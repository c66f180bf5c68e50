"""Turn frames into typed messages and back. Every failure is a ProtocolError with a code."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any, Literal, get_args

from pydantic import BaseModel, TypeAdapter, ValidationError

from . import cart, page, store
from .errors import ErrorCode, ProtocolError


class Channel(StrEnum):
    CART = "cart"
    PAGE = "page"
    STORE = "store"


Direction = Literal["client", "server"]

_UNIONS: dict[tuple[Channel, Direction], Any] = {
    (Channel.CART, "client"): cart.CartClientMessage,
    (Channel.CART, "server"): cart.CartServerMessage,
    (Channel.PAGE, "client"): page.PageClientMessage,
    (Channel.PAGE, "server"): page.PageServerMessage,
    (Channel.STORE, "client"): store.StoreClientMessage,
    (Channel.STORE, "server"): store.StoreServerMessage,
}
# The HTTP command endpoints accept only the state-changing commands of a channel.
COMMAND_UNIONS: dict[Channel, Any] = {
    Channel.CART: cart.CartCommand,
    Channel.PAGE: page.PageCommand,
    Channel.STORE: store.StoreCommand,
}


def union_members(union: Any) -> tuple[type[BaseModel], ...]:
    """The models of an `Annotated[A | B, Field(discriminator=...)]` union."""
    members = get_args(get_args(union)[0]) or (get_args(union)[0],)
    return tuple(members)


def message_type(model: type[BaseModel]) -> str:
    default = model.model_fields["type"].default
    assert isinstance(default, str), model
    return default


class _Parser:
    def __init__(self, union: Any) -> None:
        self.adapter: TypeAdapter[Any] = TypeAdapter(union)
        self.types = frozenset(message_type(m) for m in union_members(union))

    def parse(self, raw: str | bytes) -> Any:
        try:
            obj = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ProtocolError(ErrorCode.BAD_JSON, f"not valid JSON: {exc}") from None
        return self.parse_obj(obj)

    def parse_obj(self, obj: object) -> Any:
        if not isinstance(obj, dict):
            raise ProtocolError(ErrorCode.BAD_JSON, "a message must be a JSON object")
        command_id = obj.get("id") if isinstance(obj.get("id"), str) else None
        kind = obj.get("type")
        if not isinstance(kind, str) or kind not in self.types:
            raise ProtocolError(
                ErrorCode.UNKNOWN_TYPE,
                f"unknown message type {kind!r}",
                expected=sorted(self.types),
                command_id=command_id,
            )
        try:
            return self.adapter.validate_python(obj)
        except ValidationError as exc:
            problems = [
                {"loc": ".".join(str(p) for p in err["loc"][1:]), "msg": err["msg"]}
                for err in exc.errors(include_url=False)[:10]
            ]
            summary = "; ".join(f"{p['loc'] or kind}: {p['msg']}" for p in problems)
            raise ProtocolError(
                ErrorCode.INVALID_MESSAGE,
                f"invalid {kind!r} message: {summary}",
                problems=problems,
                command_id=command_id,
            ) from None


_PARSERS = {key: _Parser(union) for key, union in _UNIONS.items()}
_COMMAND_PARSERS = {channel: _Parser(union) for channel, union in COMMAND_UNIONS.items()}


def parse(channel: Channel, direction: Direction, raw: str | bytes) -> Any:
    """Parse one frame sent in `direction` on `channel`; raises ProtocolError."""
    return _PARSERS[channel, direction].parse(raw)


def parse_command(channel: Channel, obj: object) -> Any:
    """Validate a decoded HTTP command body (state-changing commands only)."""
    return _COMMAND_PARSERS[channel].parse_obj(obj)


def encode(message: BaseModel) -> str:
    return message.model_dump_json()


def channel_union(channel: Channel, direction: Direction) -> Any:
    return _UNIONS[channel, direction]
