"""Hostile and oversized input to forms and drafts (docs/personalise.md), on SQLite and on
PostgreSQL + Redis: lone surrogates (JSON's "\\ud800"), line breaks and control characters, 400
digit numbers, `true` for a number and a draft's values beyond 256 KB are refused with words
(4xx), never a 500, and change nothing."""

from __future__ import annotations

from typing import Any

import httpx

from cartstart_server.server import HubServer
from shared_protocol.forms import FieldSpec, FormDefinition
from tests.integration.draft_helpers import bearer, buyer_holding, edit, give_form, invitation_shop

SURROGATE = '"half \\ud800"'  # as JSON text: a lone surrogate, no character at all
HUGE = "9" * 400


async def raw(
    http: httpx.AsyncClient, method: str, url: str, body: str, headers: dict[str, str]
) -> httpx.Response:
    return await http.request(
        method, url, content=body, headers={**headers, "Content-Type": "application/json"}
    )


async def test_broken_text_huge_numbers_and_booleans_are_refused_in_words(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    shop = await invitation_shop(server.hub)
    ana = await buyer_holding(http, shop, "ana@example.org")
    assert (await edit(http, ana, shop.store_id, {"names": "Ana"})).status_code == 200
    url = f"/api/cart/drafts/{shop.store_id}/invites"
    refused: list[tuple[str, str]] = [
        (f'{{"values": {{"names": {SURROGATE}}}}}', "Names: one line of plain text"),
        (f'{{"values": {{"wording": {SURROGATE}}}}}', "Wording: plain text"),
        (
            f'{{"values": {{"guests": [{{"name": {SURROGATE}}}]}}}}',
            "Guest list, row 1, Name: one line of plain text",
        ),
        (f'{{"values": {{{SURROGATE}: "x"}}}}', "There is no field 'half ?' in this form"),
        ('{"values": {"names": "Ana\\u2028Ben"}}', "Names: one line of plain text"),
        (
            f'{{"values": {{"guests": [{{"name": "Ana", "table": {HUGE}}}]}}}}',
            "Guest list, row 1, Table: a number between -10^12 and 10^12",
        ),
    ]
    for body, words in refused:
        r = await raw(http, "POST", url, body, ana.auth)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["error"]["code"] == "bad_value"
        assert r.json()["error"]["message"].startswith(words), r.text
    # `true` is no number, nor a text: the body is not a DraftEdit.
    r = await edit(http, ana, shop.store_id, {"guests": [{"name": "Ana", "table": True}]})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_message", r.text
    r = await edit(http, ana, shop.store_id, {"names": True})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_message", r.text
    kept = (await http.get(url, headers=ana.auth)).json()
    assert kept["version"] == 1 and set(kept["values"]) == {"names"}
    # A shop's comment and a store's form.
    comment = f'{{"field": "names", "text": {SURROGATE}}}'
    r = await raw(http, "POST", shop.drafts(ana) + "/comments", comment, bearer(shop.key))
    assert r.status_code == 422 and "plain text" in r.json()["error"]["message"], r.text
    form_url = f"/api/stores/{shop.store_id}/products/invites/form"
    for spec, words in [
        (f'{{"key": "a", "label": {SURROGATE}, "kind": "text"}}', "the label is one line"),
        ('{"key": "a", "label": "A\\nBcc: x", "kind": "text"}', "the label is one line"),
        (
            f'{{"key": "a", "label": "A", "kind": "choice", "options": [{SURROGATE}]}}',
            "option 1 is one line",
        ),
    ]:
        r = await raw(http, "PUT", form_url, f'{{"fields": [{spec}]}}', bearer(shop.key))
        assert r.status_code == 422 and r.json()["error"]["code"] == "bad_form", r.text
        assert words in r.json()["error"]["message"]
    r = await raw(
        http, "PUT", form_url, f'{{"intro": {SURROGATE}, "fields": []}}', bearer(shop.key)
    )
    assert r.status_code == 422, r.text


async def test_a_number_field_refuses_a_400_digit_number(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    shop = await invitation_shop(server.hub)
    form = FormDefinition(fields=[FieldSpec(key="copies", label="Copies", kind="number")])
    await give_form(server.hub, shop.store_id, "invites", form)
    ana = await buyer_holding(http, shop, "ana@example.org")
    url = f"/api/cart/drafts/{shop.store_id}/invites"
    for number in (HUGE, "-" + HUGE):
        r = await raw(http, "POST", url, f'{{"values": {{"copies": {number}}}}}', ana.auth)
        assert r.status_code == 422, r.text
        assert r.json()["error"]["message"] == "Copies: a number between -10^12 and 10^12"


BIG = FormDefinition(
    fields=[
        FieldSpec(key="notes", label="Notes", kind="long_text", max_length=10_000),
        FieldSpec(
            key="lines",
            label="Lines",
            kind="rows",
            max_rows=500,
            columns=[FieldSpec(key="text", label="Text", kind="text", max_length=1000)],
        ),
    ]
)


async def test_a_drafts_values_are_capped_at_256_kb(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    shop = await invitation_shop(server.hub)
    await give_form(server.hub, shop.store_id, "invites", BIG)
    ana = await buyer_holding(http, shop, "ana@example.org")
    rows: list[dict[str, Any]] = [{"text": "x" * 1000}] * 250  # about 247 KB: kept
    r = await edit(http, ana, shop.store_id, {"lines": rows})
    assert r.status_code == 200, r.text
    r = await edit(http, ana, shop.store_id, {"notes": "y" * 10_000})  # over 256 KB together
    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_value", r.text
    assert "more than the 256 KB one item can carry" in r.json()["error"]["message"]
    r = await edit(http, ana, shop.store_id, {"lines": [{"text": "x" * 1000}] * 300})
    assert r.status_code == 422, r.text
    kept = (await http.get(f"/api/cart/drafts/{shop.store_id}/invites", headers=ana.auth)).json()
    assert kept["version"] == 1 and len(kept["values"]["lines"]["value"]) == 250
    assert "notes" not in kept["values"]
    # Smaller again: fine.
    assert (
        await edit(http, ana, shop.store_id, {"lines": rows[:10], "notes": "y"})
    ).status_code == 200
