"""domain/drafts.py: the document, last writer wins per field, the takeover's steps, when a save
renews the hold."""

from __future__ import annotations

import pytest

from cartstart_server.domain import drafts as rules
from cartstart_server.domain.drafts import Doc
from shared_protocol import ErrorCode, ProtocolError
from shared_protocol.forms import FieldSpec, FormDefinition

FORM = FormDefinition(
    fields=[
        FieldSpec(key="wording", label="Wording", kind="long_text", required=True),
        FieldSpec(key="names", label="Names", kind="text"),
    ]
)


def test_each_field_keeps_its_last_write_and_who_wrote_it() -> None:
    doc = Doc()
    rules.apply_edit(doc, {"wording": "a", "names": "Ana"}, "buyer", "", 10.0)
    rules.apply_edit(doc, {"names": "Ana & Ben"}, "shop", "Pat", 11.0)
    rules.apply_edit(doc, {"wording": None}, "buyer", "", 12.0)
    again = Doc.parse(doc.dump())
    assert again.values["names"].value == "Ana & Ben"
    assert (again.values["names"].by, again.values["names"].by_name) == ("shop", "Pat")
    assert again.values["wording"].value is None and again.values["wording"].at == 12.0
    assert again.plain(FORM) == {"wording": None, "names": "Ana & Ben"}


def test_values_of_fields_the_form_no_longer_has_are_kept_but_not_shown() -> None:
    doc = Doc()
    rules.apply_edit(doc, {"wording": "a", "gone": "b"}, "buyer", "", 1.0)
    assert set(Doc.parse(doc.dump()).values) == {"wording", "gone"}
    assert set(doc.shown(FORM)) == {"wording"} and doc.plain(FORM) == {"wording": "a"}


def test_an_empty_document_parses() -> None:
    assert Doc.parse(None).values == {} and Doc.parse(rules.EMPTY_DOC).comments == []


def test_comments_keep_their_order_and_text() -> None:
    doc = Doc()
    rules.add_comment(doc, "c1", "wording", "<b>not bold</b>", "Pat", 1.0)
    rules.add_comment(doc, "c2", None, "All good", "Paper Moon", 2.0)
    again = Doc.parse(doc.dump())
    assert [(c.id, c.field, c.text) for c in again.comments] == [
        ("c1", "wording", "<b>not bold</b>"),
        ("c2", None, "All good"),
    ]


def test_the_takeover_needs_the_shop_to_ask_and_the_buyer_to_allow() -> None:
    assert rules.shop_asks("off") == "asked"
    assert rules.shop_asks("asked") == "asked"
    assert rules.shop_asks("allowed") == "allowed"
    assert rules.buyer_answers("asked", True) == "allowed"
    assert rules.buyer_answers("allowed", True) == "allowed"
    for state in ("off", "asked", "allowed"):
        assert rules.buyer_answers(state, False) == "off"
    with pytest.raises(ProtocolError) as refused:
        rules.buyer_answers("off", True)
    assert refused.value.code is ErrorCode.CONFLICT


@pytest.mark.parametrize(
    ("expires_in", "renewals", "limit", "renews"),
    [(30, 0, 2, True), (60, 1, 2, True), (61, 0, 2, False), (30, 2, 2, False), (30, 0, 0, False)],
)
def test_a_save_renews_the_hold_near_its_end_within_the_limit(
    expires_in: float, renewals: int, limit: int, renews: bool
) -> None:
    assert rules.renews_hold(1000 + expires_in, 1000, 60, renewals, limit) is renews


def test_an_edit_names_one_to_forty_fields() -> None:
    rules.check_edit_size(1)
    rules.check_edit_size(40)
    for n in (0, 41):
        with pytest.raises(ProtocolError) as refused:
            rules.check_edit_size(n)
        assert refused.value.code is ErrorCode.BAD_VALUE


def test_the_takeover_belongs_to_the_hold_it_was_allowed_under() -> None:
    doc = Doc(takeover_hold="t1")
    assert rules.editing_now("allowed", doc, "t1") == "allowed"
    assert rules.editing_now("asked", doc, "t1") == "asked"
    assert rules.editing_now("allowed", doc, None) == "off"  # not held
    assert rules.editing_now("allowed", doc, "t2") == "off"  # held again: ask again
    assert rules.editing_now("allowed", Doc.parse(doc.dump()), "t1") == "allowed"
