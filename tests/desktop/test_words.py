"""The one table of words for people (core.words): every hub error code has a sentence, the
details make it precise, and a validator's own text never reaches the shopper."""

from __future__ import annotations

import pytest

from cartstart_desktop.core.api import BadAddress, HubError, HubUnreachable, normalize_hub_url
from cartstart_desktop.core.commands import build, command_id
from cartstart_desktop.core.connection import Offline
from cartstart_desktop.core.words import SENTENCES, explain, field_sentence
from shared_protocol import ErrorCode
from shared_protocol.cart import SetQuantity

VALIDATOR_WORDS = ("String should", "Input should", "body.", "invalid request", "message:")


def test_every_error_code_has_a_sentence() -> None:
    assert set(SENTENCES) == set(ErrorCode)
    for code, text in SENTENCES.items():
        assert text[0].isupper() and text.endswith("."), code


def test_a_short_password_at_sign_up_reads_as_a_sentence() -> None:
    # The body the hub answers a sign-up with a 7-character password (422).
    error = HubError(
        "invalid_message",
        "invalid request: body.password: String should have at least 8 characters",
        {"problems": [{"loc": "body.password", "msg": "String should have at least 8 characters"}]},
    )
    text = explain(error, "sign_up")
    assert text == "Choose a password of at least 8 characters."
    assert not any(words in text for words in VALIDATOR_WORDS)


def test_a_quantity_the_hub_would_refuse_is_refused_in_words() -> None:
    with pytest.raises(HubError) as refused:
        build(lambda: SetQuantity(id=command_id(), ticket_id="t1", qty=5000))
    assert explain(refused.value) == "Choose a quantity of at most 999."


@pytest.mark.parametrize(
    ("code", "details", "action", "expected"),
    [
        ("unauthorized", {}, "log_in", "Wrong email or password."),
        ("unauthorized", {}, "", "Your session has ended. Please log in again."),
        ("conflict", {}, "sign_up", "An account with this email already exists. Log in instead, or use another email."),
        ("insufficient_stock", {"available": 0, "max_qty": 3}, "", "No more left: your cart can hold at most 3."),
        ("insufficient_stock", {"available": 2, "max_qty": 5}, "", "Only 2 more left: your cart can hold at most 5."),
        ("insufficient_stock", {"available": 0}, "", "Sold out."),
        ("renewal_limit", {"limit": 2}, "", "This store lets you renew a hold 2 times; this one cannot be renewed again."),
        ("invalid_state", {"state": "expired"}, "", "That item's hold has run out, so it cannot be changed."),
        ("discount_refused", {"reason": "used", "discount_code": "CS-AAAA-BBBB"}, "", "The discount code CS-AAAA-BBBB was used already. Nothing was bought."),
        ("no_such_code", {}, "", SENTENCES[ErrorCode.INTERNAL]),
    ],
)  # fmt: skip
def test_details_make_the_sentence_precise(
    code: str, details: dict[str, object], action: str, expected: str
) -> None:
    assert explain(HubError(code, "the hub's own words", details), action) == expected  # type: ignore[arg-type]


def test_unknown_fields_are_named_in_words() -> None:
    assert field_sentence("body.display_name", "String should have at most 100 characters") == (
        "Your name can have at most 100 characters."
    )
    assert field_sentence("body.store_id", "String should match pattern") == (
        "The hub did not accept the store id."
    )


def test_the_network_and_the_address() -> None:
    assert explain(HubUnreachable("x: ConnectError", "http://hub.example:8740")).startswith(
        "The hub at http://hub.example:8740 cannot be reached."
    )
    assert explain(Offline("gone")) == "The hub cannot be reached right now. Try again in a moment."
    with pytest.raises(BadAddress) as bad:
        normalize_hub_url("hub:port")
    assert (
        explain(bad.value) == "“hub:port” is not a hub address: type it like hub.example.org:8740."
    )
    assert explain(KeyError("x")) == "Something went wrong. Please try again."


def test_an_unfinished_personalised_item_is_named_with_what_it_misses() -> None:
    # The hub's 409 when checkout finds a form unfinished (docs/personalise.md).
    items = [
        {
            "store_id": "s1",
            "product_id": "inv",
            "name": "Wedding invitations",
            "missing": ["Wording", "Guest list"],
        },
    ]
    error = HubError("customisation_incomplete", "Finish personalising", {"items": items})
    assert explain(error) == (
        "Finish personalising Wedding invitations (Wording, Guest list) before checking out. "
        "Nothing was bought."
    )
    bare = HubError("customisation_incomplete", "x", {})
    assert explain(bare).startswith("Some items still need to be personalised.")
