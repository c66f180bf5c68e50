"""Presence rules (domain/presence.py): visits, states, what a presence report must look like,
and the words of refusals."""

from __future__ import annotations

import dataclasses

import pytest

from cartstart_server.domain import presence as rules
from cartstart_server.domain import visitors
from cartstart_server.domain.presence import PageRecord, PresenceReport, PresenceState, Reported
from cartstart_server.domain.text import storable
from shared_protocol import ErrorCode, ProtocolError

NOW = 1_800_000_000.0
SHOP = "https://shop.example"
VISITOR = "Qk9Xb3JkZXJlZEJ5dGVzMTI"  # 23 url-safe characters

REPORT = PresenceReport(
    store_id="st1",
    visitor_id=VISITOR,
    url=f"{SHOP}/mugs?colour=blue#top",
    title="Blue mugs",
    state=Reported.ACTIVE,
    site_since=NOW - 600,
    page_since=NOW - 30,
    time_zone="America/Argentina/Buenos_Aires",
    language="pt-BR",
)


def check(report: PresenceReport, connection_origin: str | None = SHOP) -> None:
    rules.check_report(report, store_origins=[SHOP], connection_origin=connection_origin, now=NOW)


def refused(report: PresenceReport, connection_origin: str | None = SHOP) -> ProtocolError:
    with pytest.raises(ProtocolError) as caught:
        check(report, connection_origin)
    return caught.value


def test_a_well_formed_report_on_the_stores_site_passes() -> None:
    check(REPORT)
    check(REPORT, connection_origin=None)  # the HTTP twin may carry no Origin
    check(dataclasses.replace(REPORT, time_zone="", language=""))  # both optional
    for tz in ("UTC", "Etc/GMT+3", "Europe/Lisbon"):
        check(dataclasses.replace(REPORT, time_zone=tz))
    for lang in ("pt", "zh-Hant-TW", "es-419"):
        check(dataclasses.replace(REPORT, language=lang))
    check(dataclasses.replace(REPORT, visitor_id="a" * 32))  # hex of 128 bits
    check(dataclasses.replace(REPORT, page_since=NOW + 60))  # a browser clock a minute ahead


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"visitor_id": "short"}, "visitor_id", "22 to 32"),
        ({"visitor_id": "a" * 33}, "visitor_id", "22 to 32"),
        ({"visitor_id": "x" * 21 + "/="}, "visitor_id", "22 to 32"),
        ({"url": "javascript:alert(1)"}, "url", "http or https"),
        ({"url": "ftp://shop.example/mugs"}, "url", "http or https"),
        ({"url": "/mugs"}, "url", "http or https"),
        ({"url": SHOP + "/" + "a" * rules.MAX_URL}, "url", "at most 2048"),
        ({"url": SHOP + "/a b"}, "url", "spaces or control"),
        ({"url": SHOP + "/\x00"}, "url", "spaces or control"),
        ({"title": "Mugs\x00"}, "title", "NUL"),
        ({"title": "t" * (rules.MAX_TITLE + 1)}, "title", "at most 300"),
        ({"time_zone": "Europe/Lisbon; DROP"}, "tz", "IANA name"),
        ({"time_zone": "A/" + "b" * rules.MAX_TIME_ZONE}, "tz", "IANA name"),
        ({"language": "english please"}, "lang", "such as pt-BR"),
        ({"language": "en-" + "x" * 40}, "lang", "such as pt-BR"),
        ({"site_since": NOW + 3600}, "site_since", "in the future"),
        ({"page_since": float("nan")}, "page_since", "in the future"),
        ({"page_since": NOW - 700}, "page_since", "before the visit began"),
    ],
)
def test_malformed_reports_are_refused_in_words(
    change: dict[str, object], field: str, words: str
) -> None:
    error = refused(dataclasses.replace(REPORT, **change))  # type: ignore[arg-type]
    assert error.code is ErrorCode.INVALID_MESSAGE
    assert error.details["field"] == field
    assert words in error.message


def test_a_page_of_another_site_is_forbidden() -> None:
    elsewhere = dataclasses.replace(REPORT, url="https://evil.example/phish")
    error = refused(elsewhere)  # its connection came from the shop, its URL says elsewhere
    assert error.code is ErrorCode.FORBIDDEN and "another site" in error.message
    error = refused(elsewhere, connection_origin="https://evil.example")
    assert error.code is ErrorCode.FORBIDDEN
    assert error.message == "pages on https://evil.example are not on a site this store registered"
    # Scheme and port are part of the origin; case and the default port are not.
    assert refused(dataclasses.replace(REPORT, url="http://shop.example/")).code is (
        ErrorCode.FORBIDDEN
    )
    check(dataclasses.replace(REPORT, url="HTTPS://Shop.Example:443/mugs"))


def test_nul_is_the_one_character_not_stored_as_given() -> None:
    assert storable("<b>\x00</b>") == "<b>\ufffd</b>"
    hostile = "<img src=x onerror=alert(1)>\u202e\x1b"
    assert storable(hostile) is hostile


def test_a_visit_starts_after_thirty_minutes_without_a_beat() -> None:
    assert rules.is_new_visit(None, NOW)
    assert not rules.is_new_visit(NOW - rules.VISIT_GAP + 1, NOW)
    assert rules.is_new_visit(NOW - rules.VISIT_GAP, NOW)
    assert rules.VISIT_GAP == 1800


def test_states_follow_the_widget_until_beats_stop_or_the_page_closes() -> None:
    assert rules.state_of(Reported.ACTIVE, NOW - 14, NOW, connected=True) is PresenceState.ACTIVE
    assert rules.state_of(Reported.IDLE, NOW - 44, NOW, connected=True) is PresenceState.IDLE
    assert rules.state_of(Reported.ACTIVE, NOW - 45, NOW, connected=True) is (PresenceState.OFFLINE)
    assert rules.state_of(Reported.ACTIVE, NOW, NOW, connected=False) is PresenceState.OFFLINE
    assert (rules.IDLE_AFTER, rules.OFFLINE_AFTER, rules.BEAT_EVERY) == (60, 45, 15)


def test_retention_is_one_to_365_days() -> None:
    for days in (1, 30, 365):
        rules.check_retention(days)
    for days in (0, 366, -1):
        with pytest.raises(ProtocolError) as caught:
            rules.check_retention(days)
        assert caught.value.code is ErrorCode.INVALID_MESSAGE
        assert caught.value.message == "visit history is kept 1 to 365 days"
    assert rules.retention_cutoff(30, NOW) == NOW - 30 * 86400


def test_stored_pages_group_into_visits_and_unwritten_ends_come_from_the_next_page() -> None:
    pages = [
        PageRecord(1, f"{SHOP}/", "Home", 100.0, 160.0),
        PageRecord(1, f"{SHOP}/mugs", "Mugs", 160.0, None),  # its end was lost in a crash
        PageRecord(1, f"{SHOP}/cart", "Cart", 220.0, None),  # the last page of the visit
        PageRecord(2, f"{SHOP}/", "Home", 9000.0, None),  # on it now
    ]
    first, second = rules.group_visits(pages)
    assert (first.number, first.started, second.number, second.started) == (1, 100.0, 2, 9000.0)
    assert [(p.title, p.at, p.until) for p in first.pages] == [
        ("Home", 100.0, 160.0),
        ("Mugs", 160.0, 220.0),
        ("Cart", 220.0, None),
    ]
    assert [(p.title, p.until) for p in second.pages] == [("Home", None)]
    assert rules.group_visits([]) == ()


def test_an_unknown_visitor_is_not_found_in_words() -> None:
    error = rules.unknown_visitor()
    assert error.code is ErrorCode.NOT_FOUND and error.http_status == 404
    assert error.message == "this store has no history of that visitor"


def test_forget_marks_tell_a_report_what_was_forgotten_after_it_started() -> None:
    marks = visitors.ForgetMarks(keep=2)
    before = marks.mark()
    marks.forgot(("s1", "a"))
    after = marks.mark()
    assert marks.forgotten_since(("s1", "a"), before)
    assert not marks.forgotten_since(("s1", "a"), after)  # a report that began afterwards
    assert not marks.forgotten_since(("s2", "a"), before)  # another store's visitor
    marks.forgot(("s1", "b"))
    marks.forgot(("s1", "a"))  # forgotten again: the newest, kept
    marks.forgot(("s1", "c"))  # beyond `keep`: the oldest ("b") goes
    assert not marks.forgotten_since(("s1", "b"), before)
    assert marks.forgotten_since(("s1", "a"), after) and marks.forgotten_since(("s1", "c"), after)
