"""Turn frames into typed messages and back. Every failure is a ProtocolError with a code."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from enum import StrEnum
from functools import cache
from importlib import import_module
from typing import Any, Literal, get_args

from pydantic import BaseModel, TypeAdapter, ValidationError

from .errors import ErrorCode, ProtocolError


class Channel(StrEnum):
    CART = "cart"
    PAGE = "page"
    STORE = "store"
    LIVE = "live"
    DESK = "desk"


Direction = Literal["client", "server"]


# A channel is a module of this package named after it (`cart.py` for Channel.CART) that
# defines three unions by name: `<Channel>ClientMessage`, `<Channel>ServerMessage` and
# `<Channel>Command` (the state-changing commands, which the HTTP command endpoints accept).
# Each channel's models are imported on first use: the desktop cart speaks only the cart
# channel and should not pay for building the page and store models at start-up.
def _union(channel: Channel, kind: str) -> Any:
    module = import_module(f"{__package__}.{channel.value}")
    return getattr(module, f"{channel.value.capitalize()}{kind}")


def channel_union(channel: Channel, direction: Direction) -> Any:
    return _union(channel, f"{direction.capitalize()}Message")


def command_union(channel: Channel) -> Any:
    return _union(channel, "Command")


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
        return self.parse_obj(load(raw))

    def parse_obj(self, obj: object) -> Any:
        if not isinstance(obj, dict):
            raise ProtocolError(ErrorCode.BAD_JSON, "a message must be a JSON object")
        command_id = id_of(obj)
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


MAX_DEPTH = 64  # nesting levels; a message of ours needs fewer than ten
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKET = re.compile(r"[\[\]{}]")


def too_deep(text: str, limit: int = MAX_DEPTH) -> bool:
    """Whether JSON `text` nests arrays and objects more than `limit` deep. Checked before
    parsing, so the parser never recurses into a hostile frame (CPython's RecursionError in a
    threaded server is better never raised at all). Text with few brackets costs two counts."""
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    for bracket in _BRACKET.finditer(_STRING.sub("", text)):
        depth += 1 if bracket.group() in "[{" else -1
        if depth > limit:
            return True
    return False


# A `\\uD800`-`\\uDFFF` escape: the only way JSON text can hold a lone UTF-16 surrogate, which
# no UTF-8 text (nor anything the hub writes) can carry. Searched for before the costlier check.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _not_a_json_number(text: str) -> float:
    raise ValueError(f"{text} is not a JSON number")


def _number(text: str) -> float | int:
    """A JSON number with a fraction or exponent: an integral one is an integer, as JSON Schema
    says (1.0 and 1e0 are integers); one too large for a float is refused, never infinity."""
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"{text} is too large a number")
    if value.is_integer():
        return int(Decimal(text))  # exactly: 12345678901234567890.0 is not a float's rounding
    return value


def load(raw: str | bytes) -> dict[str, Any]:
    """One frame's JSON object; anything else (not UTF-8, not JSON, nested more than MAX_DEPTH
    levels, NaN or Infinity, a lone surrogate, not an object) is `bad_json`."""
    try:
        text = raw.decode() if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as exc:
        raise ProtocolError(ErrorCode.BAD_JSON, f"not valid UTF-8: {exc}") from None
    if too_deep(text):
        raise ProtocolError(ErrorCode.BAD_JSON, f"JSON nested more than {MAX_DEPTH} levels deep")
    try:
        obj = json.loads(text, parse_float=_number, parse_constant=_not_a_json_number)
    except ValueError as exc:
        raise ProtocolError(ErrorCode.BAD_JSON, f"not valid JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise ProtocolError(ErrorCode.BAD_JSON, "a message must be a JSON object")
    if _SURROGATE_ESCAPE.search(text) and _holds_lone_surrogate(obj):
        raise ProtocolError(
            ErrorCode.BAD_JSON, "a string holds a lone UTF-16 surrogate, which is not text"
        )
    return obj


def _holds_lone_surrogate(obj: object) -> bool:
    try:  # a paired surrogate escape became one character; a lone one cannot be UTF-8
        json.dumps(obj, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        return True
    return False


def id_of(obj: dict[str, Any]) -> str | None:
    """The message's command id, if it has a readable one (to answer errors with)."""
    value = obj.get("id")
    return value if isinstance(value, str) else None


# Built on first use: a validator costs ~15 ms to build, and the desktop cart needs only
# one of the six, so building all of them at import would slow every start-up.
@cache
def _parser(channel: Channel, direction: Direction) -> _Parser:
    return _Parser(channel_union(channel, direction))


@cache
def _command_parser(channel: Channel) -> _Parser:
    return _Parser(command_union(channel))


def parse(channel: Channel, direction: Direction, raw: str | bytes) -> Any:
    """Parse one frame sent in `direction` on `channel`; raises ProtocolError."""
    return _parser(channel, direction).parse(raw)


def parse_object(channel: Channel, direction: Direction, obj: dict[str, Any]) -> Any:
    """`parse` for an object already decoded by `load`."""
    return _parser(channel, direction).parse_obj(obj)


def parse_command(channel: Channel, obj: object) -> Any:
    """Validate a decoded HTTP command body (state-changing commands only)."""
    return _command_parser(channel).parse_obj(obj)


def encode(message: BaseModel) -> str:
    return message.model_dump_json()


def warm_up() -> None:
    """Build every validator now (the hub does, so no first frame pays for it)."""
    for channel in Channel:
        _parser(channel, "client")
        _parser(channel, "server")
        _command_parser(channel)
