"""The desktop's support offer (core/live_support.py SupportWatch): news of the credit changes
the balance and price shown (the durable `credit` event); a running call keeps its own price."""

from __future__ import annotations

from cartstart_desktop.core.live_support import SupportWatch
from shared_protocol.common import Money
from shared_protocol.support import CreditPlan, SessionSupport, SupportCredit


def eur(cents: int) -> Money:
    return Money(amount=cents, currency="EUR")


def test_new_credit_shows_and_a_running_call_keeps_its_price() -> None:
    watch = SupportWatch()
    watch.load(SessionSupport(price_per_minute=eur(100), balance=eur(150)))
    assert "about 1 minute" in watch.offer_text("Shop")
    assert watch.apply(SupportCredit(seq=4, balance=eur(650), price_per_minute=eur(100)))
    assert "Your credit: €6.50, about 6 minutes" in watch.offer_text("Shop")
    plan = CreditPlan(seq=9, call_id="c1", answered_at=10.0, price_per_minute=eur(100),
                      balance=eur(650), warn_at=340.0, ends_at=400.0)  # fmt: skip
    assert watch.apply(plan)
    # The store raises its price during the call: the call goes on at the price it started at.
    watch.apply(SupportCredit(seq=6, balance=eur(650), price_per_minute=eur(300)))
    assert watch.offer_text("Shop") == "Support call with Shop: €1.00 a minute, from your credit."
