"""The agents' rules: who may do what, valid agents, and the words of refusals."""

from __future__ import annotations

import pytest

from cartstart_server.domain import agents as rules
from cartstart_server.domain.agents import Permission
from shared_protocol import ErrorCode, ProtocolError


def test_the_key_and_owners_may_do_everything_and_agents_only_read_and_sell() -> None:
    assert rules.ALLOWED["key"] == rules.ALLOWED["owner"] == frozenset(Permission)
    assert rules.ALLOWED["agent"] == {
        Permission.READ_CATALOGUE,
        Permission.LIVE,
        Permission.ORDERS_READ,
        Permission.REQUESTS,  # the marketplace's requests for their firm (docs/marketplace.md)
        Permission.PERSONALISE,  # buyers' drafts: watch, comment, edit with consent
    }
    for p in (
        Permission.MANAGE_AGENTS,
        Permission.LIVE_SETTINGS,
        Permission.ORDERS_WRITE,
        Permission.FORMS,  # defining a product's form changes what is sold: owners only
    ):
        with pytest.raises(ProtocolError) as refused:
            rules.check_allowed("agent", p)
        assert refused.value.code is ErrorCode.FORBIDDEN
        assert "your role (agent)" in refused.value.message


@pytest.mark.parametrize(
    ("email", "name", "words"),
    [
        ("not-an-email", "Ana", "email address"),
        ("ana@example.org", "", "1 to 100"),
        ("ana@example.org", "x" * 101, "1 to 100"),
        ("ana@example.org", "Ana\x00", "without control characters"),
        ("ana@example.org", "Ana\nBcc: x@example.org", "one line"),
    ],
)
def test_a_new_agent_needs_an_email_and_a_name(email: str, name: str, words: str) -> None:
    with pytest.raises(ProtocolError) as refused:
        rules.check_new_agent(email, name)
    assert refused.value.code is ErrorCode.INVALID_MESSAGE and words in refused.value.message


def test_a_dead_sign_in_says_why() -> None:
    with pytest.raises(ProtocolError, match="removed"):
        rules.check_agent_session(removed=True, revoked=False, expires_at=10, now=0)
    with pytest.raises(ProtocolError, match="expired or was ended"):
        rules.check_agent_session(removed=False, revoked=False, expires_at=10, now=10)
    with pytest.raises(ProtocolError, match="expired or was ended"):
        rules.check_agent_session(removed=False, revoked=True, expires_at=10, now=0)
    rules.check_agent_session(removed=False, revoked=False, expires_at=10, now=9)
    assert rules.last_owner().code is ErrorCode.CONFLICT


def test_the_invitation_email_keeps_names_on_their_line_and_says_who_when_and_where() -> None:
    subject, body = rules.invite_email(
        store_name="Pots\r\nBcc: x@example.org",
        agent_name="Ana\n\nClick here",
        inviter=("Olga\tO.", "olga@example.org"),
        url="https://hub.example/console#invite=abc",
        expires_at=86400.0 * 3,
    )
    assert subject == "You are invited to work in Pots Bcc: x@example.org's console"
    lines = body.splitlines()
    assert lines[0] == "Hello Ana Click here,"
    assert "Olga O. (olga@example.org) invited you to work in the CartStart console of Pots" in body
    assert "  https://hub.example/console#invite=abc" in lines
    assert "until Sunday 04 January 1970, 00:00 UTC" in body
    _, by_key = rules.invite_email(
        store_name="Pots", agent_name="Bo", inviter=None, url="u", expires_at=0.0
    )
    assert "The team of Pots invited you" in by_key


def test_the_sixth_sign_in_of_a_window_waits_for_its_end_in_minutes_for_people() -> None:
    assert rules.throttled(5, 100.0, 200.0) is None
    assert rules.throttled(6, 100.0, 200.0) == 800.0
    assert rules.throttled(9, 100.0, 999.5) == 1.0  # never "0 seconds"
    refused = rules.too_many_attempts(800.0)
    assert refused.code is ErrorCode.RATE_LIMITED and refused.http_status == 429
    assert refused.message == "too many attempts: try again in 14 minutes"
    assert refused.details == {"retry_after": 800}
    assert rules.too_many_attempts(0.2).message == "too many attempts: try again in 1 minute"


@pytest.mark.parametrize(
    ("host", "public", "known"),
    [
        ("127.0.0.1", None, True),  # a hub on this computer: its links work here
        ("shop-hub.internal", None, True),
        ("0.0.0.0", None, False),  # every interface: only a guess
        ("::", None, False),
        ("0.0.0.0", "https://hub.example", True),
    ],
)
def test_an_invitation_is_emailed_only_with_a_link_that_opens(
    host: str, public: str | None, known: bool
) -> None:
    assert rules.link_is_known(host, public) is known
