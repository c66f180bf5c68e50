"""Personalised products (docs/personalise.md): a store's customisation form for a product, the
buyer's draft of it (filled over several visits, from the store's page or the desktop cart, and
watched and helped by the shop live), and what the order carries once it is bought.

Inbound bodies are loosely typed on purpose, as the marketplace's are: the hub's rules
(cartstart_server/domain/forms.py) check kinds, limits and values and answer with words for
people (`bad_form`, `bad_value`), naming the field that is wrong.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, StrictStr

from .common import Money, Outbound, Timestamp

FIELD_KINDS = ("text", "long_text", "choice", "number", "date", "rows")
"""What a field can be; a `rows` field (a guest list) has columns of the first kinds but
`long_text` and `rows`."""
COLUMN_KINDS = ("text", "choice", "number", "date")
PRICE_RULE_KINDS = ("per_row", "per_unit", "per_option", "per_character")

# A value as JSON carries it: text, choice and date (YYYY-MM-DD) are strings, a number is a
# number, a rows field is a list of rows (column key -> value). None (or "") clears a field.
# Strict: `true` is no number and 3 is no text (nothing is converted on the way in).
Cell = StrictStr | StrictInt | StrictFloat | None
FieldValue = StrictStr | StrictInt | StrictFloat | list[dict[str, Cell]] | None


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---- what the store defines ------------------------------------------------------------------


class FieldSpec(_Body):
    """One field of a form, or one column of a `rows` field."""

    key: str = Field(description="1-32 of a-z, 0-9 and _, starting with a letter; unique")
    label: str = Field(description="What the buyer reads: 1-100 characters")
    kind: str = Field(description="text, long_text, choice, number, date or rows")
    required: bool = False
    help: str = Field("", description="A hint under the field: up to 300 characters")
    min_length: int | None = Field(None, description="text, long_text: fewest characters")
    max_length: int | None = Field(
        None,
        description="text (default 200, at most 1,000), long_text (default 2,000, at most 10,000)",
    )
    options: list[str] | None = Field(
        None, description="choice: 1-50 distinct options of 1-100 characters"
    )
    min: float | None = Field(None, description="number: smallest value")
    max: float | None = Field(None, description="number: largest value")
    integer: bool = Field(False, description="number: whole numbers only")
    min_date: str | None = Field(None, description="date: earliest, YYYY-MM-DD")
    max_date: str | None = Field(None, description="date: latest, YYYY-MM-DD")
    columns: list[FieldSpec] | None = Field(
        None, description="rows: 1-10 columns (text, choice, number or date)"
    )
    min_rows: int | None = Field(None, description="rows: fewest rows (default 0)")
    max_rows: int | None = Field(None, description="rows: most rows (default 200, at most 500)")


class PriceRule(_Body):
    """Adds to the product's unit price, computed by the hub from the buyer's values (never code
    sent by the store). The unit price is the product's price plus every rule's addition:

    - `per_row`: `amount` x the number of rows of a `rows` field (a guest list);
    - `per_unit`: `amount` x the value of a whole-number `number` field with a `max`;
    - `per_option`: `amounts[option]` for the option chosen in a `choice` field (0 if unlisted);
    - `per_character`: `amount` x the characters, spaces excluded, of a text field (engraving).
    """

    kind: str = Field(description="per_row, per_unit, per_option or per_character")
    field: str = Field(description="The key of the field it reads")
    amount: int | None = Field(None, description="Minor units added per row, unit or character")
    amounts: dict[str, int] | None = Field(None, description="per_option: option -> minor units")


class FormDefinition(_Body):
    """A product's customisation form: 1-40 fields and up to 5 price rules."""

    intro: str = Field("", description="Shown above the form: up to 1,000 characters")
    fields: list[FieldSpec]
    price_rules: list[PriceRule] = Field(default_factory=list)


class ProductForm(Outbound):
    store_id: str
    product_id: str
    form: FormDefinition
    version: int = Field(description="Grows with every change of the form")
    updated_at: Timestamp


# ---- the buyer's draft -----------------------------------------------------------------------


class DraftEdit(_Body):
    """Fields changed (the others stay as they are). Last writer wins per field: the hub keeps
    the value of the latest edit it received, and says who wrote it."""

    values: dict[str, FieldValue] = Field(description="field key -> value; 1-40 fields")


class ConsentIn(_Body):
    """The buyer's answer to the shop asking to edit the form with them."""

    allow: bool


class CommentIn(_Body):
    field: str | None = Field(None, description="The field commented on; None: the whole form")
    text: str = Field(description="1-1,000 characters")


Editor = Literal["buyer", "shop"]
ShopEditing = Literal["off", "asked", "allowed"]
"""The shop's takeover: `asked` by the shop, `allowed` by the buyer (who can stop it again)."""


class FieldState(Outbound):
    value: FieldValue
    by: Editor
    by_name: str = Field(description="The agent's or store's name when the shop wrote it; text")
    at: Timestamp


class DraftComment(Outbound):
    id: str
    field: str | None = None
    text: str = Field(description="Text, never markup")
    by_name: str = Field(description="Who in the shop wrote it; text")
    at: Timestamp


class Progress(Outbound):
    done: int = Field(description="Required fields filled with an acceptable value")
    required: int
    missing: list[str] = Field(
        description="Labels, in the form's order, of the required fields not done and of the "
        "optional fields filled in but not finished"
    )
    complete: bool = Field(description="True exactly when `missing` is empty: checkout may go")


class DraftView(Outbound):
    """A buyer's draft of one product's form, as the buyer and (while the product is held in
    the buyer's cart) the shop see it. `version` grows with every change."""

    store_id: str
    store_name: str
    product_id: str
    product_name: str
    cart_ref: str = Field(description="The store's pseudonym of the cart")
    form: FormDefinition
    form_version: int
    values: dict[str, FieldState]
    comments: list[DraftComment]
    progress: Progress
    unit_price: Money = Field(description="The product's price with the form's price rules")
    shop_editing: ShopEditing
    held: bool = Field(description="A hold on the product is in the buyer's cart")
    expires_at: Timestamp | None = Field(None, description="When that hold ends")
    last_edit_at: Timestamp | None = None
    last_edit_by: Editor | None = None
    updated_at: Timestamp
    version: int


class DraftSummary(Outbound):
    """One carted personalised item in the shop's list: how far the buyer got."""

    cart_ref: str
    product_id: str
    product_name: str
    qty: int
    progress: Progress
    shop_editing: ShopEditing
    last_edit_at: Timestamp | None = None
    last_edit_by: Editor | None = None
    expires_at: Timestamp
    version: int = Field(description="The draft's version (0: not started)")


# ---- what the order carries ------------------------------------------------------------------


class CustomisedField(Outbound):
    key: str
    label: str
    kind: str
    value: FieldValue
    text: str = Field(description="The value as words (rows one per line); text, never markup")


class DraftChanged(Outbound):
    """On the cart's stream (always) and the store's stream (while the product is held in that
    cart): the draft after a change by either side."""

    type: Literal["draft_changed"] = "draft_changed"
    seq: int
    draft: DraftView
