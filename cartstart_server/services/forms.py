"""Personalised products' forms as the store defines them (docs/personalise.md): checked by the
domain's rules (words naming the field), kept per product, read back by the store and its agents."""

from __future__ import annotations

import logging

from shared_protocol.forms import FormDefinition, ProductForm

from ..clock import Clock
from ..domain import forms as rules
from ..storage import forms as storage
from ..storage.base import Database

log = logging.getLogger(__name__)


class Forms:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def set(self, store_id: str, product_id: str, defn: FormDefinition) -> ProductForm:
        """Check the form (BAD_FORM with words) and make it the product's."""
        form = rules.check_form(defn)
        view = await self._db.write(storage.set_form(store_id, product_id, form, self._clock.now()))
        log.info(
            "form set",
            extra={"store": store_id, "product": product_id, "form_version": view.version},
        )
        return view

    async def get(self, store_id: str, product_id: str) -> ProductForm:
        return await self._db.read(storage.product_form(store_id, product_id))

    async def delete(self, store_id: str, product_id: str) -> None:
        await self._db.write(storage.delete_form(store_id, product_id, self._clock.now()))
