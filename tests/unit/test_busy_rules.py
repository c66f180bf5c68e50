"""Busy status as rules (domain/busy.py): busy only while every agent of a product is in a call."""

from __future__ import annotations

from cartstart_server.domain import busy

HANDLERS = [
    ("mug", "a-ana", "Ana"),
    ("vase", "a-ana", "Ana"),
    ("vase", "a-bo", "Bo"),
]


def test_a_product_is_busy_only_while_all_its_agents_are_in_a_call() -> None:
    assert busy.states(HANDLERS, set()) == {"mug": ("available", []), "vase": ("available", [])}
    assert busy.states(HANDLERS, {"a-ana"}) == {
        "mug": ("busy", ["Ana"]),
        "vase": ("available", []),
    }
    assert busy.states(HANDLERS, {"a-ana", "a-bo"})["vase"] == ("busy", ["Ana", "Bo"])
    assert busy.states([], {"a-ana"}) == {}


def test_the_latch_and_the_frame_carry_the_states_unchanged() -> None:
    found = busy.states(HANDLERS, {"a-ana"})
    value = busy.latch_value(found)
    assert busy.from_latch(value) == found
    assert busy.latch_value(busy.states(list(reversed(HANDLERS)), {"a-ana"})) == value
    assert busy.from_frame_text(busy.frame_text("s-1", value)) == ("s-1", found)
    assert busy.from_latch("") == {}
