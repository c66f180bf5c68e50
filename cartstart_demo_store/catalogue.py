"""The demo shops' own catalogues: what each store owns and tells the hub about."""

from __future__ import annotations

from dataclasses import dataclass

from shared_protocol.forms import FieldSpec, FormDefinition, PriceRule


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
    form: FormDefinition | None = None  # personalised: filled in by the buyer after carting


@dataclass(frozen=True)
class Catalogue:
    name: str
    currency: str
    tagline: str
    items: tuple[Item, ...]

    def item(self, item_id: str) -> Item | None:
        return next((i for i in self.items if i.id == item_id), None)


def _text(key: str, label: str, kind: str = "text", **more: object) -> FieldSpec:
    return FieldSpec.model_validate({"key": key, "label": label, "kind": kind, **more})


# The letterpress's wedding invitations (docs/personalise.md): priced per guest and by paper.
INVITATIONS = FormDefinition(
    intro="Tell us what to print. We set the type by hand once every field is done.",
    fields=[
        _text(
            "wording",
            "Wording",
            "long_text",
            required=True,
            max_length=1000,
            help="The invitation's text, as you want it printed (line breaks are kept).",
        ),
        _text("names", "Names of the couple", required=True, max_length=120),
        _text("day", "Wedding date", "date", required=True, min_date="2026-01-01"),
        _text(
            "paper",
            "Paper",
            "choice",
            required=True,
            options=["Recycled", "Linen", "Cotton"],
            help="Recycled is included; linen and cotton cost a little more per invitation.",
        ),
        _text(
            "guests",
            "Guest list",
            "rows",
            required=True,
            min_rows=1,
            max_rows=300,
            help="One invitation is printed per guest, with their name and table.",
            columns=[
                _text("name", "Name", required=True, max_length=80),
                _text("table", "Table", "number", integer=True, min=1, max=60),
            ],
        ),
    ],
    price_rules=[
        PriceRule(kind="per_row", field="guests", amount=120),
        PriceRule(kind="per_option", field="paper", amounts={"Linen": 300, "Cotton": 500}),
    ],
)

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
        Item(
            "wedding-invitations",
            "Wedding invitations (letterpress)",
            "PR-100",
            2500,
            20,
            "Hand-set and printed in the back room: your wording, one card per guest with their"
            " name and table. EUR 1.20 per guest on top of the setting.",
            ("stationery", "personalised"),
            form=INVITATIONS,
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
