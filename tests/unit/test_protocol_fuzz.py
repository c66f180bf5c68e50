"""Every decoder, property-based: messages generated from the protocol's JSON Schema round-trip,
and mutated frames are refused with the code the schema implies, never with another exception.

Strategies and the oracle (`expected_code`) are in tests/helpers/strategies.py. The tests at the
end pin disagreements between the published schema, the docs and the codec that these
properties found (and that are fixed).
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema_rs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared_protocol import Channel, ProtocolError, encode, parse
from shared_protocol.codec import Direction
from tests.helpers.strategies import (
    DECODE_CODES,
    MUTATIONS,
    expected_code,
    frames,
    models,
    valid_messages,
)

pytestmark = pytest.mark.fuzz

ROOT = Path(__file__).resolve().parents[2]
DIRECTIONS: list[tuple[Channel, Direction]] = [
    (channel, direction) for channel in Channel for direction in ("client", "server")
]
EVERY_MESSAGE = [
    pytest.param(channel, direction, kind, id=f"{channel.value}-{direction}-{kind}")
    for channel, direction in DIRECTIONS
    for kind in sorted(models(channel, direction))
]


def check_decoder(channel: Channel, direction: Direction, raw: str | bytes, how: str) -> None:
    """The one property of a decoder: accept exactly what the schema allows (and give back the
    same model from its own encoding), refuse the rest with the code the docs give, raise
    nothing but ProtocolError.

    One latitude, by design: hub messages are read leniently (`Outbound` models are not strict,
    so a newer or sloppier hub is still understood: `true` for 1, "5" for 5), so the server
    direction may accept a frame the schema calls invalid_message; what it accepts must still
    be a model that round-trips."""
    expected = expected_code(channel, direction, raw)
    try:
        message = parse(channel, direction, raw)
    except ProtocolError as exc:
        assert exc.code.value in DECODE_CODES, (how, exc)
        assert exc.code.value == expected, (how, raw[:300], exc)
        assert exc.message
        return
    lenient = direction == "server" and expected == "invalid_message"
    assert expected is None or lenient, (how, raw[:300], f"accepted, expected {expected}")
    assert type(message) is models(channel, direction)[message.type]
    again = parse(channel, direction, encode(message))
    assert again == message, (how, encode(message))


@pytest.mark.parametrize(("channel", "direction", "kind"), EVERY_MESSAGE)
@given(data=st.data())
def test_every_message_round_trips(
    channel: Channel, direction: Direction, kind: str, data: st.DataObject
) -> None:
    obj = data.draw(valid_messages(channel, direction, kinds=[kind]))
    message = parse(channel, direction, json.dumps(obj))
    assert message.type == kind
    assert parse(channel, direction, encode(message)) == message
    # Text and binary frames decode alike.
    assert parse(channel, direction, json.dumps(obj).encode()) == message


@pytest.mark.parametrize(("channel", "direction"), DIRECTIONS)
@settings(max_examples=settings().max_examples * 5)
@given(data=st.data())
def test_every_decoder_refuses_mutated_frames_with_a_documented_code(
    channel: Channel, direction: Direction, data: st.DataObject
) -> None:
    frame = data.draw(frames(channel, direction))
    check_decoder(channel, direction, frame.raw, frame.how)


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
@given(data=st.data())
def test_each_mutation_on_every_channel(mutation: str, data: st.DataObject) -> None:
    """Each mutation on its own, so a rare one is not crowded out by the others."""
    channel, direction = data.draw(st.sampled_from(DIRECTIONS))
    obj = data.draw(valid_messages(channel, direction))
    raw = MUTATIONS[mutation](data.draw, channel, direction, obj)
    check_decoder(channel, direction, raw, f"{mutation} of {obj['type']}")


def test_the_oracle_knows_the_documented_answers() -> None:
    """The oracle itself, on the examples protocol.md gives (so a broken oracle cannot make the
    properties vacuous)."""
    cart = Channel.CART
    assert expected_code(cart, "client", "{not json") == "bad_json"
    assert expected_code(cart, "client", "[1, 2]") == "bad_json"
    assert expected_code(cart, "client", b"\xff\xfe") == "bad_json"
    assert expected_code(cart, "client", "[" * 65 + "]" * 65) == "bad_json"
    assert expected_code(cart, "client", '{"no": "type"}') == "unknown_type"
    assert expected_code(cart, "client", '{"type": "launch_rockets"}') == "unknown_type"
    assert expected_code(cart, "client", '{"type": "sync", "id": "short"}') == "invalid_message"
    assert expected_code(cart, "client", '{"type": "sync", "id": "long-enough"}') is None
    assert expected_code(cart, "client", '{"type": "ack", "seq": true}') == "invalid_message"
    assert expected_code(cart, "server", '{"type": "ack", "seq": 1}') == "unknown_type"
    reserve = {"type": "reserve", "id": "abcdefgh", "store_id": "s", "product_id": "p"}
    assert expected_code(cart, "client", json.dumps(reserve)) is None
    assert expected_code(cart, "client", json.dumps({**reserve, "qty": 0})) == "invalid_message"
    assert expected_code(cart, "client", json.dumps({**reserve, "x": 1})) == "invalid_message"


# ---- disagreements the properties found (fixed) ---------------------------------------------


def published_schema() -> dict[str, object]:
    schema: dict[str, object] = json.loads((ROOT / "docs" / "protocol.schema.json").read_text())
    return schema


def test_the_published_schema_requires_type() -> None:
    validator = jsonschema_rs.Draft202012Validator(
        {**published_schema(), "$ref": "#/$defs/CartClientMessage"}
    )
    frame = {"seq": 3}
    with pytest.raises(ProtocolError) as refused:
        parse(Channel.CART, "client", json.dumps(frame))
    assert refused.value.code.value == "unknown_type"
    assert not validator.is_valid(frame), "the schema accepts what the hub refuses"


def test_integral_floats_are_integers_as_json_schema_says() -> None:
    frame = {"type": "ack", "seq": 1.0}
    validator = jsonschema_rs.Draft202012Validator(
        {**published_schema(), "$ref": "#/$defs/CartClientMessage"}
    )
    assert validator.is_valid(frame)
    assert parse(Channel.CART, "client", json.dumps(frame)).seq == 1


RESULT = '{"type": "result", "id": "x", "ticket_id": "t", "store_id": "s", "product_id": "p", "qty": 1, "expires_at": %s}'


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_numbers_json_cannot_carry_are_refused(number: str) -> None:
    with pytest.raises(ProtocolError) as refused:
        parse(Channel.PAGE, "server", RESULT % number)
    assert refused.value.code.value == "bad_json"


def test_a_float_field_takes_an_integral_number() -> None:
    assert parse(Channel.PAGE, "server", RESULT % "1800000000").expires_at == 1_800_000_000


@pytest.mark.parametrize("direction", ["client", "server"])
def test_lone_surrogates_are_refused_in_either_direction(direction: Direction) -> None:
    """JSON text can escape half a UTF-16 pair, which is not text: no UTF-8 holds it, and the
    models could not encode it again. A full pair (an emoji) is text."""
    lone = '{"type": "sync", "id": "ab\\ud800cdefgh"}'
    if direction == "server":
        lone = '{"type": "availability", "store_id": "ab\\ud800cd", "product_id": "p", "available": 0, "version": 0}'
    with pytest.raises(ProtocolError) as refused:
        parse(Channel.CART, direction, lone)
    assert refused.value.code.value == "bad_json"
    pair = '{"type": "availability", "store_id": "ab\\ud83d\\ude00", "product_id": "p", "available": 0, "version": 0}'
    assert parse(Channel.CART, "server", pair).store_id == "ab\U0001f600"
