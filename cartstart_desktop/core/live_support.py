"""A support call with prepaid credit in a session the shopper opened (pure: no I/O, no Qt;
docs/shopper.md "Support calls and support credit"): the shop's price and the shopper's credit
from the snapshot's `support` and the hub's `credit` signals, the running call's plan ticking locally (the credit left is the
balance less the price of the whole seconds so far, rounded up to the cent, as the hub charges),
the one-minute warning, the report after the call, and the session's complaints with the
shop's answers. The words match the browser's (storefront_templates/src/live/support.js)."""

from __future__ import annotations

import math
import time

from shared_protocol.support import (
    Complaint,
    ComplaintChanged,
    CreditPlan,
    CreditWarning,
    SessionSupport,
    SupportCredit,
    SupportReport,
)

from .call import clock_text
from .lang import N_, _
from .money import format_money

SupportEvent = CreditPlan | CreditWarning | SupportReport | SupportCredit | ComplaintChanged
COMPLAINT_HEADS = {
    "answers": N_("Your complaint about the answers: {text}"),
    "support": N_("Your complaint about the support: {text}"),
}


def credit_left(plan: CreditPlan, now: float) -> int:
    """Minor units left at `now` under the plan (never below zero)."""
    seconds = max(0, math.floor(now - plan.answered_at))
    used = math.ceil(plan.price_per_minute.amount * seconds / 60)
    return max(0, plan.balance.amount - used)


def local_time(at: float) -> str:
    return time.strftime("%H:%M", time.localtime(at))


class SupportWatch:
    def __init__(self) -> None:
        self.support: SessionSupport | None = None
        self.complaints: dict[str, Complaint] = {}

    @property
    def offered(self) -> bool:
        """The session is attached to the shopper's cart at a store that offers support."""
        return self.support is not None

    @property
    def plan(self) -> CreditPlan | None:
        return self.support.plan if self.support else None

    @property
    def report(self) -> SupportReport | None:
        return self.support.last_report if self.support else None

    def load(self, support: SessionSupport | None) -> None:
        self.support = support
        self.complaints = {c.complaint_id: c for c in (support.complaints if support else [])}

    def apply(self, event: SupportEvent) -> bool:
        """A support event of the session (each once); whether anything changed."""
        s = self.support
        if s is None:
            return False
        match event:
            case CreditPlan():
                self.support = s.model_copy(update={"plan": event, "warned": False})
            case CreditWarning() if s.plan is not None and s.plan.call_id == event.call_id:
                self.support = s.model_copy(update={"warned": True})
            case SupportReport():
                update = {"plan": None, "warned": False, "last_report": event}
                self.support = s.model_copy(update=update | {"balance": event.balance})
            case SupportCredit():  # a grant, a purchase, a charge; a running call keeps its plan
                news = {"balance": event.balance, "price_per_minute": event.price_per_minute}
                self.support = s.model_copy(update=news)
            case ComplaintChanged():
                self.complaints[event.complaint.complaint_id] = event.complaint
            case _:
                return False
        return True

    def take_complaint(self, complaint: Complaint) -> None:
        self.complaints[complaint.complaint_id] = complaint

    def call_ended(self, call_id: str) -> bool:
        """The call ended: its plan stops ticking (the report follows)."""
        s = self.support
        if s is None or s.plan is None or s.plan.call_id != call_id:
            return False
        self.support = s.model_copy(update={"plan": None, "warned": False})
        return True

    # ---- words --------------------------------------------------------------------------------

    def offer_text(self, store: str) -> str:
        s = self.support
        if s is None:
            return ""
        if s.plan is not None:  # the call's own price, even if the store changed it since
            price = format_money(s.plan.price_per_minute.amount, s.plan.price_per_minute.currency)
            return _(
                "Support call with {store}: {price} a minute, from your credit.",
                store=store,
                price=price,
            )
        price = format_money(s.price_per_minute.amount, s.price_per_minute.currency)
        credit = format_money(s.balance.amount, s.balance.currency)
        minutes = s.balance.amount // s.price_per_minute.amount if s.price_per_minute.amount else 0
        if minutes < 1:
            return _(
                "Support from {store}: {price} a minute. Your credit: {credit}. You need at least "
                "one minute's worth: buy support credit from the shop, or ask them for some.",
                store=store,
                price=price,
                credit=credit,
            )
        return _.n(
            "Support from {store}: {price} a minute. Your credit: {credit}, about {n} minute.",
            "Support from {store}: {price} a minute. Your credit: {credit}, about {n} minutes.",
            minutes,
            store=store,
            price=price,
            credit=credit,
        )

    def credit_text(self, now: float) -> str:
        """ "Credit left €1.20 · 0:30" while a support call runs, else ""."""
        plan = self.plan
        if plan is None:
            return ""
        left = format_money(credit_left(plan, now), plan.balance.currency)
        return _("Credit left {left} · {time}", left=left, time=clock_text(now - plan.answered_at))

    def warning_text(self) -> str:
        s = self.support
        if s is None or s.plan is None or not s.warned:
            return ""
        return _(
            "About one minute of credit left: the call ends by itself at {time}. Buy more credit "
            "to talk longer next time.",
            time=local_time(s.plan.ends_at),
        )

    def report_text(self) -> str:
        r = self.report
        if r is None or self.plan is not None:
            return ""
        lines = [
            _("Your support call"),
            _("Duration: {time}", time=clock_text(r.duration)),
            _("Credit used: {amount}", amount=format_money(r.charged.amount, r.charged.currency)),
            _("Credit left: {amount}", amount=format_money(r.balance.amount, r.balance.currency)),
        ]
        if r.end_reason == "credit_exhausted":
            lines.append(_("The call ended when your credit ran out."))
        elif r.end_reason == "interrupted":
            lines.append(
                _(
                    "The call was cut off by a fault at the service; only the time until then "
                    "was charged."
                )
            )
        return "\n".join(lines)

    def complaint_lines(self, store: str) -> list[str]:
        """Each complaint, newest first, with the shop's answer or that it is awaited."""
        out = []
        for c in sorted(self.complaints.values(), key=lambda c: c.at, reverse=True):
            head = _(COMPLAINT_HEADS.get(c.about, COMPLAINT_HEADS["support"]), text=c.text)
            tail = (
                _("{store} answered: {answer}", store=store, answer=c.answer)
                if c.answer
                else _("Waiting for {store}'s answer.", store=store)
            )
            out.append(f"{head}\n{tail}")
        return out
