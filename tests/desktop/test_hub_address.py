"""What a shopper types as the hub address becomes a base URL, or a clear error."""

from __future__ import annotations

import pytest

from cartstart_desktop.core.api import normalize_hub_url


@pytest.mark.parametrize(
    ("typed", "url"),
    [
        ("hub.example.org:8740", "http://hub.example.org:8740"),
        ("  https://hub.example.org/ ", "https://hub.example.org"),
        ("http://127.0.0.1:8740/", "http://127.0.0.1:8740"),
        ("[::1]:8740", "http://[::1]:8740"),
    ],
)
def test_addresses_people_type_are_accepted(typed: str, url: str) -> None:
    assert normalize_hub_url(typed) == url


@pytest.mark.parametrize("typed", ["ftp://hub.example.org", "hub:port", "http://:80", "https://"])
def test_non_addresses_are_refused_with_the_text(typed: str) -> None:
    with pytest.raises(ValueError, match="not a hub address"):
        normalize_hub_url(typed)


def test_an_empty_address_asks_for_one() -> None:
    with pytest.raises(ValueError, match="enter the hub's address"):
        normalize_hub_url("  ")
