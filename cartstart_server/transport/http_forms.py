"""Personalised products' forms over HTTP (docs/personalise.md, docs/store-api.md): the store's
key or an owner defines them (`forms`); agents read them too (`personalise`)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response

from shared_protocol.forms import FormDefinition, ProductForm
from shared_protocol.store_api import StoreInfo

from ..services.agents import Agents, Permission
from ..services.forms import Forms
from ..services.identity import Identity
from .http_auth import Auth
from .http_errors import SIGNED_IN
from .http_store import IdInPath

_PATH = "/api/stores/{store_id}/products/{product_id}/form"


def routes(*, identity: Identity, agents: Agents, forms: Forms) -> APIRouter:
    router = APIRouter(tags=["forms"], responses=SIGNED_IN)
    auth = Auth(identity, agents)
    define = Depends(auth.console(Permission.FORMS))
    read = Depends(auth.console(Permission.PERSONALISE))

    @router.put(_PATH)
    async def set_form(
        product_id: IdInPath, body: FormDefinition, store: StoreInfo = define
    ) -> ProductForm:
        """Make `body` the product's customisation form (it replaces any form before). A form
        the hub cannot take is refused with `bad_form` (422), its words naming the field."""
        return await forms.set(store.id, product_id, body)

    @router.get(_PATH)
    async def get_form(product_id: IdInPath, store: StoreInfo = read) -> ProductForm:
        """The product's form as the hub keeps it (normalised: defaults filled in); 404 when
        the product is not personalised."""
        return await forms.get(store.id, product_id)

    @router.delete(_PATH, status_code=204)
    async def delete_form(product_id: IdInPath, store: StoreInfo = define) -> Response:
        """The product is no longer personalised. Buyers keep their drafts."""
        await forms.delete(store.id, product_id)
        return Response(status_code=204)

    return router
