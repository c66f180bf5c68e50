"""Personalised products' forms as the store defines them (docs/personalise.md): checked by the
domain's rules (words naming the field), kept per product, read back by the store and its agents."""

from __future__ import annotations

import logging

from shared_protocol.forms import FormDefinition, ProductForm

from ..clock import Clock
from ..domain import forms as rules
from ..storage import drafts
from ..storage import forms as storage
from ..storage.sql import Effects, Plan
from .commits import Committer

log = logging.getLogger(__name__)


class Forms:
    def __init__(self, committer: Committer, clock: Clock) -> None:
        self._commit = committer.commit
        self._db = committer.db
        self._clock = clock

    async def set(self, store_id: str, product_id: str, defn: FormDefinition) -> ProductForm:
        """Check the form (BAD_FORM with words) and make it the product's. Every cart holding
        the product hears `draft_changed` with its draft under the new form (and so does the
        store), in the same transaction."""
        form = rules.check_form(defn)
        now = self._clock.now()

        def plan(fx: Effects) -> Plan[ProductForm]:
            view = yield from storage.set_form(store_id, product_id, form, now)
            yield from drafts.form_changed(fx, store_id, product_id, now)
            return view

        view = await self._commit(plan)
        log.info(
            "form set",
            extra={"store": store_id, "product": product_id, "form_version": view.version},
        )
        return view

    async def get(self, store_id: str, product_id: str) -> ProductForm:
        return await self._db.read(storage.product_form(store_id, product_id))

    async def delete(self, store_id: str, product_id: str) -> None:
        await self._db.write(storage.delete_form(store_id, product_id, self._clock.now()))
