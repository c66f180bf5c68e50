"""The protocol package: schema freshness, parsing, and one model per message type."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shared_protocol import Channel, ErrorCode, ProtocolError, parse
from shared_protocol.codec import channel_union, message_type, union_members
from shared_protocol.errors import HTTP_STATUS
from shared_protocol.schema import protocol_schema, render

ROOT = Path(__file__).resolve().parents[2]


def test_committed_schema_is_current() -> None:
    committed = (ROOT / "docs" / "protocol.schema.json").read_text()
    assert committed == render(), "run `make schema` and commit docs/protocol.schema.json"


def test_schema_lists_every_message_of_every_channel() -> None:
    schema = protocol_schema()
    for channel in Channel:
        for direction in ("client", "server"):
            name = f"{channel.value.capitalize()}{direction.capitalize()}Message"
            listed = json.dumps(schema["$defs"][name])
            for model in union_members(channel_union(channel, direction)):
                assert f'"#/$defs/{model.__name__}"' in listed, (name, model.__name__)
    assert set(schema["x-error-codes"]) == {c.value for c in ErrorCode}


def test_each_channel_and_direction_uses_distinct_type_tags() -> None:
    for channel in Channel:
        for direction in ("client", "server"):
            tags = [message_type(m) for m in union_members(channel_union(channel, direction))]
            assert len(tags) == len(set(tags)), (channel, direction, tags)


def test_every_error_code_has_an_http_status() -> None:
    assert set(HTTP_STATUS) == set(ErrorCode)
    assert all(400 <= status < 600 for status in HTTP_STATUS.values())


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", ErrorCode.BAD_JSON),
        ('"a string"', ErrorCode.BAD_JSON),
        ('{"type": 5}', ErrorCode.UNKNOWN_TYPE),
        ('{"type": "item_added"}', ErrorCode.UNKNOWN_TYPE),  # a server message sent by a client
        ('{"type": "ack", "seq": -1}', ErrorCode.INVALID_MESSAGE),
        ('{"type": "ack", "seq": 1, "extra": true}', ErrorCode.INVALID_MESSAGE),
        (
            '{"type": "reserve", "id": "short", "store_id": "s", "product_id": "p"}',
            ErrorCode.INVALID_MESSAGE,
        ),
        (
            '{"type": "reserve", "id": "abcdefgh", "store_id": "s p", "product_id": "p"}',
            ErrorCode.INVALID_MESSAGE,
        ),
    ],
)
def test_parse_errors_are_typed(raw: str, code: ErrorCode) -> None:
    with pytest.raises(ProtocolError) as err:
        parse(Channel.CART, "client", raw)
    assert err.value.code is code


def test_schema_violation_keeps_the_command_id() -> None:
    with pytest.raises(ProtocolError) as err:
        parse(Channel.STORE, "client", '{"type": "set_stock", "id": "abcdefgh", "product_id": "p"}')
    assert err.value.command_id == "abcdefgh"
    assert err.value.details["problems"] == [{"loc": "on_hand", "msg": "Field required"}]


def test_clients_ignore_unknown_fields_from_newer_hubs() -> None:
    frame = '{"type": "availability", "store_id": "s", "product_id": "p", "available": 2, "version": 3, "new": 1}'
    message = parse(Channel.PAGE, "server", frame)
    assert message.available == 2


def test_money_is_integer_minor_units() -> None:
    frame = {
        "type": "upsert_products",
        "id": "abcdefgh",
        "products": [{"id": "p", "name": "P", "price": {"amount": 19.99, "currency": "EUR"}}],
    }
    with pytest.raises(ProtocolError) as err:
        parse(Channel.STORE, "client", json.dumps(frame))
    assert err.value.code is ErrorCode.INVALID_MESSAGE


def test_nesting_is_measured_outside_strings_before_parsing() -> None:
    from shared_protocol.codec import MAX_DEPTH, load, too_deep

    assert not too_deep("[" * MAX_DEPTH + "]" * MAX_DEPTH)
    assert too_deep("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
    brackets_in_text = '{"name": "' + "[{" * 500 + '", "note": "\\"[[[["}'
    assert not too_deep(brackets_in_text)
    assert load(brackets_in_text)["name"].startswith("[{[{")
    for deep in ("[" * 10_000, '{"a":' * 5_000 + "1" + "}" * 5_000):
        with pytest.raises(ProtocolError) as err:
            load(deep)
        assert err.value.code is ErrorCode.BAD_JSON and "nested" in err.value.message
