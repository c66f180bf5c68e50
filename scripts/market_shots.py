"""Screenshots of the desktop cart's Marketplace tab, in English and Serbian (under Xvfb: `make
screenshots` runs it after the others; alone: `python scripts/market_shots.py docs/img`).

A hub in this process with a small marketplace: three firms, the four-level tree, exchange rates
for RSD and USD, product pictures served from 127.0.0.1. The shots: the tab after a search for
"valve" with prices in RSD (desktop-market-en.png, desktop-market-sr.png) and a solution's lines
put into the cart (desktop-market-solution-en.png, -sr.png).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import qasync
from demo_pictures import png, serving
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QApplication

from cartstart_desktop.core.connection import Status
from cartstart_desktop.core.credentials import MemoryCredentials
from cartstart_desktop.core.lang import _
from cartstart_desktop.core.session import CartSession
from cartstart_desktop.ui.main_window import MainWindow
from cartstart_server.config import HubConfig
from cartstart_server.server import HubServer


def node(node_id: str, en: str, sr: str, *children: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"id": node_id, "names": {"en": en, "sr": sr}}
    if children:
        out["children"] = list(children)
    return out


TREE = {
    "version": 1,
    "nodes": [
        node("electrical", "Electrical", "Elektro",
             node("automation", "Automation", "Automatika",
                  node("valves", "Valves", "Ventili",
                       node("solenoid-valves", "Solenoid valves", "Elektromagnetni ventili"),
                       node("ball-valves", "Ball valves", "Kuglasti ventili")),
                  node("switchgear", "Switchgear", "Rasklopna oprema",
                       node("contactors", "Contactors", "Kontaktori")))),
        node("plumbing", "Plumbing", "Vodovod",
             node("pipes", "Pipes and fittings", "Cevi i fitinzi",
                  node("fittings", "Fittings", "Fitinzi",
                       node("elbows", "Elbows", "Kolena")))),
    ],
}  # fmt: skip

# (firm, currency, [(id, name, code, price in minor units, subcategory, stock, colour)])
FIRMS = [
    ("Valvia Automation", "EUR", [
        ("v1", "Solenoid valve DN25 24V DC", "157B2210", 8450, "solenoid-valves", 14, "#2f6fb0"),
        ("v2", "Solenoid valve DN15 230V AC", "157B2215", 6120, "solenoid-valves", 3, "#2f6fb0"),
        ("v3", "Ball valve brass 1\"", "BV-2210", 2390, "ball-valves", 40, "#c0902f"),
    ]),
    ("Kontakt d.o.o.", "RSD", [
        ("k1", "Miniature contactor 9A", "MC-9", 289000, "contactors", 25, "#5a8f3c"),
        ("k2", "Valve control relay 24V", "VCR-24", 164000, "contactors", 0, "#5a8f3c"),
    ]),
    ("Pipe & Co", "EUR", [
        ("p1", "Press-fit elbow 90° 22 mm", "PF-E22", 415, "elbows", 300, "#8a5a9e"),
        ("p2", "Check valve for pipes 1/2\"", "CV-12", 1290, "ball-valves", 60, "#8a5a9e"),
    ]),
]  # fmt: skip


def drawing(colour: str) -> bytes:
    image = QImage(160, 160, QImage.Format.Format_ARGB32)
    image.fill(QColor(244, 240, 232))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour))
    painter.drawRoundedRect(QRectF(30, 62, 100, 36), 8, 8)
    painter.drawEllipse(QRectF(56, 30, 48, 48))
    painter.setBrush(QColor(colour).darker(140))
    painter.drawRect(QRectF(74, 20, 12, 16))
    painter.end()
    return png(image)


@contextmanager
def picture_site() -> Iterator[str]:
    pictures = {
        f"/{pid}.png": drawing(colour) for _f, _c, items in FIRMS for pid, *_, colour in items
    }
    with serving(pictures) as site:
        yield site


async def wait_for(check: Callable[[], object], seconds: float = 10.0) -> None:
    for _i in range(int(seconds * 50)):
        if check():
            return
        await asyncio.sleep(0.02)
    raise RuntimeError("the cart did not catch up")


async def seed(server: HubServer, http: httpx.AsyncClient, site: str) -> str:
    """The marketplace; returns a solution's private link."""
    await server.hub.market.import_tree(TREE)
    await server.hub.market.set_rates(
        {"base": "EUR", "date": "2026-11-30", "rates": {"RSD": "117.17", "USD": "1.05"}},
    )
    lines = []
    for firm, currency, items in FIRMS:
        store_id, key = await server.hub.stores.create(firm)
        auth = {"Authorization": f"Bearer {key}"}
        products = [
            {"id": pid, "name": name, "code": code, "category": category,
             "price": {"amount": amount, "currency": currency},
             "image_url": f"{site}/{pid}.png", "page_url": f"https://shop.example/{pid}"}
            for pid, name, code, amount, category, _stock, _colour in items
        ]  # fmt: skip
        r = await http.post(
            f"/api/stores/{store_id}/products", json={"products": products}, headers=auth
        )
        r.raise_for_status()
        for pid, *_rest, stock, _colour in items:
            r = await http.put(
                f"/api/stores/{store_id}/products/{pid}/stock",
                json={"on_hand": stock},
                headers=auth,
            )
            r.raise_for_status()
        lines += [{"store_id": store_id, "product_id": items[0][0], "qty": 2}]
        if firm == "Kontakt d.o.o.":
            lines += [{"store_id": store_id, "product_id": "k2", "qty": 1}]
    r = await http.post(
        "/api/market/solutions", json={"name": "Irrigation cabinet", "lines": lines}
    )
    r.raise_for_status()
    created = r.json()
    await server.hub.identity.sign_up("ana@example.org", "correct horse battery", "Ana")
    for _i in range(100):  # the index follows the database within about 0.1 s
        found = (await http.get("/api/market/search", params={"q": "valve"})).json()
        if found["total"] >= 4:
            break
        await asyncio.sleep(0.05)
    return f"{server.http_url}/market/#solution={created['id']}.{created['secret']}"


async def shoot_language(
    lang: str, session: CartSession, link: str, out: Path, saved: list[str]
) -> None:
    _.use(lang)
    window = MainWindow(session)  # as the app rebuilds it after a language change
    window.show()
    tab = window.show_market_tab()
    await wait_for(lambda: tab.currency.count() == 3 and tab.tree.model().rowCount() == 3)
    tab.search_box.setText("valve")
    await tab.desk.set_text("valve")
    await tab.desk.set_currency("RSD")
    tab.currency.setCurrentIndex(tab.currency.findData("RSD"))
    tab.tree.expandToDepth(1)
    tab.view.setCurrentIndex(tab.model.index(0, 0))
    tab.view.viewport().grab()  # painting asks for the pictures
    urls = [r.image_url for r in tab.desk.page.results] if tab.desk.page else []
    await wait_for(lambda: all(tab.thumbnails.state(u) == "ready" for u in urls))
    await asyncio.sleep(0.3)
    window.grab().save(str(out / f"desktop-market-{lang}.png"))
    saved.append(f"desktop-market-{lang}.png")

    dialog = tab.open_solution()
    dialog.link.setText(link)
    dialog.load()
    await wait_for(lambda: dialog.model.rowCount() > 0)
    dialog.put()
    await wait_for(lambda: len(dialog.model.outcomes) == len(dialog.model.chosen))
    dialog.view.viewport().grab()
    await wait_for(
        lambda: all(dialog.thumbnails.state(x.image_url) == "ready" for x in dialog.lines)
    )
    await asyncio.sleep(0.3)
    dialog.grab().save(str(out / f"desktop-market-solution-{lang}.png"))
    saved.append(f"desktop-market-solution-{lang}.png")
    dialog.reject()
    for ticket in list(session.local.state.items):  # the next language starts from an empty cart
        await session.cart.remove(ticket)
    await wait_for(lambda: not session.local.state.items)
    window.detach()
    window.replaced = True
    window.close()


async def shoot_market(out: Path, saved: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp, picture_site() as site:
        config = HubConfig(data_dir=Path(tmp) / "hub", port=0, log_format="text")
        server = HubServer(config)
        await server.start()
        try:
            async with httpx.AsyncClient(base_url=server.http_url, timeout=20) as http:
                link = await seed(server, http, site)
            session = CartSession(Path(tmp) / "home", MemoryCredentials(), open_url=lambda u: None)
            await session.open()
            await session.account.log_in(
                server.http_url, "ana@example.org", "correct horse battery"
            )
            await wait_for(lambda: session.stream.status is Status.WEBSOCKET)
            for lang in ("en", "sr"):
                await shoot_language(lang, session, link, out, saved)
            _.use("en")
            await session.close()
        finally:
            await server.stop()


async def main(out: Path) -> None:
    saved: list[str] = []
    await shoot_market(out, saved)
    print(f"saved {', '.join(saved)} in {out}")


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/img")
    target.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    qasync.run(main(target))
