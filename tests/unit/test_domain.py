"""Pure rules: no database, no clock."""

from __future__ import annotations

import pytest

from cartstart_server import credentials as cred
from cartstart_server.domain.tickets import (
    Revocation,
    available,
    cart_ref,
    check_renewable,
    deadlines,
    plan_revocations,
    ttl_for,
)
from cartstart_server.transport.flood import TokenBucket
from shared_protocol import ErrorCode, ProtocolError


def test_available_counts_holds_and_pending_sales() -> None:
    assert available(on_hand=10, held=3, sold_pending=2) == 5


def test_ttl_prefers_the_product_setting() -> None:
    assert ttl_for(30.0, 900.0) == 30.0
    assert ttl_for(None, 900.0) == 900.0


def test_warning_comes_warn_before_expiry_but_not_before_halfway() -> None:
    long = deadlines(now=1000.0, ttl=900.0, warn_before=60.0)
    assert (long.expires_at, long.warn_at) == (1900.0, 1840.0)
    short = deadlines(now=1000.0, ttl=20.0, warn_before=60.0)
    assert (short.expires_at, short.warn_at) == (1020.0, 1010.0)


def test_renewals_stop_at_the_limit() -> None:
    check_renewable(renewals=1, limit=2)
    with pytest.raises(ProtocolError) as err:
        check_renewable(renewals=2, limit=2)
    assert err.value.code is ErrorCode.RENEWAL_LIMIT


def test_revocations_take_from_the_newest_and_only_what_is_needed() -> None:
    newest_first = [("c", 1), ("b", 2), ("a", 3)]
    assert plan_revocations(newest_first, 2) == [Revocation("c", 0, 1), Revocation("b", 1, 1)]
    assert plan_revocations(newest_first, 0) == []
    assert sum(r.taken for r in plan_revocations(newest_first, 99)) == 6


def test_cart_refs_differ_per_store() -> None:
    assert cart_ref("s1", "cart") == cart_ref("s1", "cart")
    assert cart_ref("s1", "cart") != cart_ref("s2", "cart")
    assert "cart" not in cart_ref("s1", "cart")


def test_token_bucket_allows_bursts_then_the_rate() -> None:
    bucket = TokenBucket(rate=2.0, burst=3.0, now=0.0)
    assert [bucket.allow(0.0) for _ in range(4)] == [True, True, True, False]
    assert bucket.strikes == 1
    assert bucket.allow(0.5) and not bucket.allow(0.5)


def test_passwords_are_salted_and_verified() -> None:
    one = cred.hash_password("hunter22 hunter22", 2**10)
    two = cred.hash_password("hunter22 hunter22", 2**10)
    assert one != two and "hunter22" not in one
    assert cred.verify_password("hunter22 hunter22", one)
    assert not cred.verify_password("hunter23 hunter23", one)
    assert not cred.verify_password("x", "garbage")


def test_tokens_parse_only_their_own_kind() -> None:
    token = cred.format_token(cred.LINK, "tk1", "secret")
    assert cred.parse_token(token, cred.LINK) == ("tk1", "secret")
    assert cred.parse_token(token, cred.SESSION) is None
    assert cred.parse_token("csl..x", cred.LINK) is None
    assert cred.secret_matches("secret", cred.hash_secret("secret"))
