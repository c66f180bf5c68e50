"""A store's customer record: what each customer bought, and the tags of it (their tastes)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from shared_protocol.orders import OrderLine


def tally(
    bought: Mapping[str, int],
    tags: Mapping[str, int],
    lines: Sequence[OrderLine],
    tags_of: Mapping[str, Sequence[str]],
) -> tuple[dict[str, int], dict[str, int]]:
    """Add an order to the units bought per product and per tag; `tags_of` maps a product id
    to its tags."""
    products, liked = dict(bought), dict(tags)
    for line in lines:
        products[line.product_id] = products.get(line.product_id, 0) + line.qty
        for tag in tags_of.get(line.product_id, ()):
            liked[tag] = liked.get(tag, 0) + line.qty
    return products, liked


def matches(
    query: str,
    *,
    name: str,
    email: str,
    bought: Mapping[str, int],
    product_names: Mapping[str, str],
    product_id: str | None = None,
) -> bool:
    """Whether a customer is among those a store searched for: having bought `product_id` when
    given, and `query` found in their name, email, or a product they bought (id or name)."""
    if product_id is not None and product_id not in bought:
        return False
    needle = query.strip().lower()
    if not needle:
        return True
    haystack = [name.lower(), email.lower()]
    haystack += [p.lower() for p in bought] + [product_names.get(p, "").lower() for p in bought]
    return any(needle in h for h in haystack)
