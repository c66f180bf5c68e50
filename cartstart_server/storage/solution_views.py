"""Solutions' and requests' rows -> protocol views, in a language (amounts as `i18n.money`).

The display currency is the store's own until the marketplace's exchange rates are merged:
`shown` then equals `price` with `approximate: false` (docs/marketplace.md)."""

from __future__ import annotations

import json
from typing import Any

from shared_protocol import i18n
from shared_protocol.solutions import (
    Answer,
    Contact,
    Firm,
    MoneyText,
    RequestLine,
    RequestView,
    Shown,
    SolutionLine,
    SolutionView,
    StoreRequestView,
)

from ..domain.solutions import Line
from .sql import Row


def money(amount: int, currency: str, lang: str) -> MoneyText:
    return MoneyText(amount=amount, currency=currency, text=i18n.money(amount, currency, lang))


def solution_line(line: Line, product: Row | None, store_name: str, lang: str) -> SolutionLine:
    price = money(product["price_amount"], product["currency"], lang) if product else None
    return SolutionLine(
        line_id=line.line_id,
        store_id=line.store_id,
        product_id=line.product_id,
        qty=line.qty,
        note=line.note,
        options=line.options,
        store_name=store_name,
        name=product["name"] if product else "",
        code=product["code"] if product else "",
        image_url=product.get("image_url") if product else None,
        page_url=product.get("page_url") if product else None,
        price=price,
        shown=Shown(**price.model_dump(), approximate=False) if price else None,
        available=bool(product and product["active"] and product.get("listed", 1)),
    )


def solution_view(
    row: Row,
    products: dict[tuple[str, str], Row],
    store_names: dict[str, str],
    requests: list[RequestView],
    lang: str,
) -> SolutionView:
    lines = [Line.of(d) for d in json.loads(row["lines"])]
    views = [
        solution_line(
            line,
            products.get((line.store_id, line.product_id)),
            store_names.get(line.store_id, ""),
            lang,
        )
        for line in lines
    ]
    sums: dict[str, tuple[int, str]] = {}
    for v in views:
        if v.price is None:
            continue
        amount, currency = sums.get(v.store_id, (0, v.price.currency))
        if v.price.currency == currency:  # one firm, one currency (the store's own)
            sums[v.store_id] = (amount + v.price.amount * v.qty, currency)
    firms = [
        Firm(store_id=sid, store_name=store_names.get(sid, ""), subtotal=money(a, c, lang))
        for sid, (a, c) in sums.items()
    ]
    return SolutionView(
        id=row["id"],
        name=row["name"],
        version=row["version"],
        lines=views,
        firms=firms,
        requests=requests,
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def request_line(doc: dict[str, Any], lang: str) -> RequestLine:
    return RequestLine(
        line_id=doc["line_id"],
        product_id=doc["product_id"],
        name=doc["name"],
        code=doc["code"],
        qty=doc["qty"],
        note=doc["note"],
        options=doc["options"],
        unit_price=money(doc["unit_amount"], doc["currency"], lang),
    )


def _request_fields(row: Row, store_name: str, lang: str) -> dict[str, Any]:
    answer = json.loads(row["answer"]) if row["answer"] else None
    return {
        "id": row["id"],
        "solution_id": row["solution_id"],
        "store_id": row["store_id"],
        "store_name": store_name,
        "kind": row["kind"],
        "status": row["status"],
        "lines": [request_line(d, lang) for d in json.loads(row["lines"])],
        "answer": Answer(
            price=money(answer["amount"], answer["currency"], lang),
            valid_until=answer["valid_until"],
            note=answer["note"],
        )
        if answer
        else None,
        "order_id": row["order_id"],
        "order_status": row.get("order_status"),
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "version": row["version"],
    }


def request_view(row: Row, store_name: str, lang: str) -> RequestView:
    return RequestView(**_request_fields(row, store_name, lang))


def store_request_view(row: Row, store_name: str, solution_name: str) -> StoreRequestView:
    """The console's view (English amounts: the console is not translated)."""
    return StoreRequestView(
        **_request_fields(row, store_name, "en"),
        solution_name=solution_name,
        contact=Contact(**json.loads(row["contact"])),
    )
