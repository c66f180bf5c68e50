"""Screenshots of Personalise… in the desktop cart (`make screenshots`, under Xvfb): a hub in
this process with a stationer whose wedding invitations have a form, the shopper halfway
through it (a guest list started, a shop comment, the shop asking to edit with them), the
form's dialog, and the checkout review saying what is still missing."""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

import httpx
import qasync
from PySide6.QtWidgets import QApplication

from cartstart_desktop.core.connection import Status
from cartstart_desktop.core.credentials import MemoryCredentials
from cartstart_desktop.core.session import CartSession
from cartstart_desktop.ui.main_window import MainWindow
from cartstart_server.config import HubConfig
from cartstart_server.domain.tickets import cart_ref
from cartstart_server.server import HubServer
from shared_protocol.common import Price
from shared_protocol.forms import FieldSpec, FormDefinition, PriceRule
from shared_protocol.store import AdjustStock, ProductIn, UpsertProducts

EMAIL, PASSWORD = "mila@example.org", "correct horse battery"
FORM = FormDefinition(
    intro="Tell us what to print. We send a proof before printing.",
    fields=[
        FieldSpec(key="wording", label="Wording", kind="long_text", required=True,
                  help="The invitation's text, as it should read", max_length=600),
        FieldSpec(key="names", label="Names", kind="text", required=True, max_length=80),
        FieldSpec(key="date", label="Wedding date", kind="date", required=True,
                  min_date="2026-01-01"),
        FieldSpec(key="paper", label="Paper", kind="choice", required=True,
                  options=["Cream laid", "White linen", "Recycled kraft"]),
        FieldSpec(
            key="guests", label="Guest list", kind="rows", required=True, max_rows=200,
            help="One invitation per guest",
            columns=[
                FieldSpec(key="name", label="Name", kind="text", required=True, max_length=80),
                FieldSpec(key="table", label="Table", kind="number", integer=True, min=1,
                          max=40),
            ],
        ),
    ],
    price_rules=[
        PriceRule(kind="per_row", field="guests", amount=150),
        PriceRule(kind="per_option", field="paper", amounts={"White linen": 200}),
    ],
)  # fmt: skip


async def wait_for(check: object, seconds: float = 10.0) -> None:
    for _ in range(int(seconds * 50)):
        if check():  # type: ignore[operator]
            return
        await asyncio.sleep(0.02)
    raise RuntimeError("the cart did not catch up")


async def shoot(out: Path, home: Path, server: HubServer) -> list[str]:
    hub = server.hub
    store_id, key = await hub.stores.create("Paper & Ink Stationers")
    await hub.stores.command(store_id, UpsertProducts(id="shot-products", products=[
        ProductIn(id="invitations", name="Wedding invitations", code="WED-INV",
                  price=Price(amount=900, currency="EUR")),
    ]))  # fmt: skip
    await hub.stores.command(
        store_id, AdjustStock(id="shot-stock", product_id="invitations", delta=500)
    )
    await hub.forms.set(store_id, "invitations", FORM)
    await hub.identity.sign_up(EMAIL, PASSWORD, "Mila")
    session = CartSession(home, MemoryCredentials(), open_url=lambda url: None)
    window = MainWindow(session)
    window.show()
    await session.open()
    await session.account.log_in(server.http_url, EMAIL, PASSWORD)
    await wait_for(lambda: session.stream.status is Status.WEBSOCKET)
    await session.cart.reserve(store_id, "invitations", 60)
    await session.drafts.fetch(store_id, "invitations")
    await session.drafts.edit(store_id, "invitations", {
        "wording": "Together with their families\nMila Jovanović and Luka Perić\n"
                   "request the pleasure of your company",
        "names": "Mila & Luka",
        "paper": "White linen",
        "guests": [{"name": "Ana Perić", "table": 1}, {"name": "Ivan Jovanović", "table": 1},
                   {"name": "Marta Kovač", "table": 2}],
    })  # fmt: skip
    await session.drafts.flush()
    assert session.api is not None and session.api.token is not None
    cart = await hub.identity.authenticate_shopper(session.api.token)
    ref = cart_ref(store_id, cart.cart_id)
    async with httpx.AsyncClient(
        base_url=server.http_url, headers={"Authorization": f"Bearer {key}"}
    ) as shop:
        base = f"/api/stores/{store_id}/drafts/{ref}/invitations"
        await shop.post(
            base + "/comments",
            json={"field": "wording", "text": "Lovely! Shall we put the venue on a second line?"},
        )
        await shop.post(base + "/takeover")
    tab = window.cart_tab
    await wait_for(lambda: tab.model.rowCount() == 1)
    tab.view.setCurrentIndex(tab.model.index(0, 0, tab.model.index(0, 0)))
    dialog = await tab.personalise(store_id, "invitations", "Wedding invitations")
    await wait_for(lambda: dialog.allow_button.isVisible())
    dialog.resize(680, 790)  # tall enough for the guest list
    await asyncio.sleep(0.5)
    saved = []
    dialog.grab().save(str(out / "desktop-personalise.png"))
    saved.append("desktop-personalise.png")
    dialog.close()
    review = tab.review(None)
    await asyncio.sleep(0.3)
    review.grab().save(str(out / "desktop-personalise-review.png"))
    saved.append("desktop-personalise-review.png")
    review.reject()
    window.detach()
    await session.close()
    return saved


async def main(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        config = HubConfig(data_dir=Path(tmp) / "hub", port=0, log_format="text")
        server = HubServer(config)
        await server.start()
        try:
            saved = await shoot(out, Path(tmp) / "home", server)
        finally:
            await server.stop()
    print(f"saved {', '.join(saved)} in {out}")


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/img")
    target.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    qasync.run(main(target))
