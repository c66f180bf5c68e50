"""The demo shops' own catalogues: what each store owns and tells the hub about."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Item:
    id: str
    name: str
    code: str
    price: int  # minor units
    stock: int  # on hand when the shop first opens
    description: str = ""
    tags: tuple[str, ...] = ()
    category: str | None = None  # a subcategory of the marketplace's tree (market_tree.json)


@dataclass(frozen=True)
class Catalogue:
    name: str
    currency: str
    tagline: str
    items: tuple[Item, ...]

    def item(self, item_id: str) -> Item | None:
        return next((i for i in self.items if i.id == item_id), None)


BOOKSHOP = Catalogue(
    "Corner Bookshop",
    "EUR",
    "Second-hand and new books, and a few things for writing.",
    (
        Item(
            "first-edition",
            "First edition, signed (one of a kind)",
            "BK-001",
            24000,
            1,
            "A signed first edition in its original jacket. There is exactly one.",
            ("rare", "books"),
            category="rare-books",
        ),
        Item(
            "letterpress-print",
            "Letterpress print no. 7 (one of a kind)",
            "PR-007",
            8500,
            1,
            "Hand-set type, printed in the back room.",
            ("rare", "art"),
            category="prints",
        ),
        Item(
            "federated-garden",
            "The Federated Garden (paperback)",
            "BK-210",
            1999,
            12,
            "Essays on small shops that work together.",
            ("books",),
            category="paperbacks",
        ),
        Item(
            "dot-notebook",
            "Dot-grid notebook",
            "NB-020",
            1250,
            30,
            "A5, 160 pages.",
            ("stationery",),
            category="notebooks",
        ),
    ),
)

CERAMICS = Catalogue(
    "Harbour Ceramics",
    "GBP",
    "Pots thrown by the harbour, glazed with what the sea leaves.",
    (
        Item(
            "tide-vase",
            "Tide vase, hand-thrown (one of a kind)",
            "HC-V01",
            14500,
            1,
            "Tall, blue-grey, with a tide line of ash glaze.",
            ("one-off", "vases"),
            category="vases",
        ),
        Item(
            "kelp-bowl",
            "Kelp bowl, ash glaze (one of a kind)",
            "HC-B07",
            6200,
            1,
            "A wide bowl with a green kelp glaze.",
            ("one-off", "bowls"),
            category="bowls",
        ),
        Item(
            "harbour-mug",
            "Harbour mug",
            "HC-M10",
            2400,
            8,
            "Holds a proper mug of tea.",
            ("mugs",),
            category="mugs",
        ),
        Item(
            "plate-set",
            "Set of four side plates",
            "HC-P04",
            5600,
            5,
            "Speckled white.",
            ("plates",),
            category="plates",
        ),
    ),
)

CATALOGUES = {"bookshop": BOOKSHOP, "ceramics": CERAMICS}
