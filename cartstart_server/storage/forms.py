"""A product's customisation form (docs/personalise.md): set, read, removed. The form is kept as
FormDefinition JSON in `products.form` (NULL: not personalised) with its own version and time;
the rules that checked it are in domain/forms.py."""

from __future__ import annotations

from shared_protocol.forms import FormDefinition, ProductForm

from ..domain import forms as rules
from ..domain.tickets import no_product
from .sql import Plan, Row, Stmt, one


def form_of(product: Row) -> FormDefinition | None:
    """The product row's form, or None: the one place the column is decoded."""
    text = product.get("form")
    return None if text is None else FormDefinition.model_validate_json(text)


def _view(product: Row) -> ProductForm:
    form = form_of(product)
    if form is None:
        raise rules.no_form(product["product_id"])
    return ProductForm(
        store_id=product["store_id"],
        product_id=product["product_id"],
        form=form,
        version=product["form_version"],
        updated_at=product["form_updated_at"],
    )


def set_form(store_id: str, product_id: str, form: FormDefinition, now: float) -> Plan[ProductForm]:
    """Replace the product's form (already checked) and bump its version."""
    product = one(
        (
            yield Stmt(
                "UPDATE products SET form = ?, form_version = form_version + 1, "
                "form_updated_at = ? WHERE store_id = ? AND product_id = ? RETURNING *",
                (form.model_dump_json(), now, store_id, product_id),
            )
        )
    )
    if product is None:
        raise no_product(product_id)
    return _view(product)


def product_form(store_id: str, product_id: str) -> Plan[ProductForm]:
    product = one(
        (
            yield Stmt(
                "SELECT store_id, product_id, form, form_version, form_updated_at FROM products "
                "WHERE store_id = ? AND product_id = ?",
                (store_id, product_id),
            )
        )
    )
    if product is None:
        raise no_product(product_id)
    return _view(product)


def delete_form(store_id: str, product_id: str, now: float) -> Plan[None]:
    """The product is no longer personalised; buyers' drafts stay theirs (docs/personalise.md).
    Deleting a form that is not there is done already."""
    product = one(
        (
            yield Stmt(
                "UPDATE products SET form = NULL, form_version = form_version + 1, "
                "form_updated_at = ? WHERE store_id = ? AND product_id = ? AND form IS NOT NULL "
                "RETURNING product_id",
                (now, store_id, product_id),
            )
        )
    )
    if product is None:
        exists = one(
            (
                yield Stmt(
                    "SELECT product_id FROM products WHERE store_id = ? AND product_id = ?",
                    (store_id, product_id),
                )
            )
        )
        if exists is None:
            raise no_product(product_id)
