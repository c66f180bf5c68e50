"""Product pictures for the screenshots: simple drawings of the demo catalogue's products, served
by a small web server on 127.0.0.1 as a store's site would serve its photos. (The demo shops
have no photos; these stand in for them.)"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen

SIDE = 160


def _book(p: QPainter, cover: QColor, band: QColor) -> None:
    p.setBrush(cover.darker(130))
    p.drawRoundedRect(QRectF(44, 26, 80, 112), 6, 6)
    p.setBrush(cover)
    p.drawRoundedRect(QRectF(38, 22, 80, 112), 6, 6)
    p.setBrush(band)
    p.drawRect(QRectF(38, 52, 80, 10))
    p.drawRect(QRectF(52, 96, 52, 4))


def _notebook(p: QPainter) -> None:
    p.setBrush(QColor(70, 74, 82))
    p.drawRoundedRect(QRectF(40, 22, 82, 116), 5, 5)
    p.setBrush(QColor(236, 232, 222))
    p.drawRect(QRectF(46, 28, 70, 104))
    p.setBrush(QColor(150, 150, 150))
    for row in range(8):
        for col in range(6):
            p.drawEllipse(QPointF(53 + col * 11, 36 + row * 12), 1.3, 1.3)
    p.setBrush(QColor(196, 72, 60))
    p.drawRect(QRectF(104, 22, 5, 118))


def _mug(p: QPainter) -> None:
    glaze = QColor(52, 104, 150)
    pen = QPen(glaze.darker(115), 12)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawEllipse(QRectF(102, 62, 34, 42))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(glaze)
    p.drawRoundedRect(QRectF(34, 44, 78, 86), 10, 10)
    p.setBrush(glaze.lighter(140))
    p.drawRect(QRectF(34, 58, 78, 6))


def _vase(p: QPainter) -> None:
    path = QPainterPath(QPointF(68, 24))
    path.lineTo(92, 24)
    path.cubicTo(QPointF(90, 50), QPointF(128, 70), QPointF(116, 112))
    path.cubicTo(QPointF(110, 134), QPointF(50, 134), QPointF(44, 112))
    path.cubicTo(QPointF(32, 70), QPointF(70, 50), QPointF(68, 24))
    p.setBrush(QColor(104, 124, 138))
    p.drawPath(path)
    p.setBrush(QColor(176, 186, 170))
    p.drawRect(QRectF(46, 92, 68, 7))


def _bowl(p: QPainter) -> None:
    p.setBrush(QColor(62, 110, 74))
    p.drawChord(QRectF(22, 40, 116, 100), 180 * 16, 180 * 16)  # the lower half
    p.setBrush(QColor(120, 160, 110))
    p.drawEllipse(QRectF(22, 74, 116, 30))
    p.setBrush(QColor(84, 128, 84))
    p.drawEllipse(QRectF(34, 80, 92, 18))


DRAWINGS: dict[str, Any] = {
    "first-edition": lambda p: _book(p, QColor(122, 32, 40), QColor(214, 178, 92)),
    "letterpress-print": lambda p: _book(p, QColor(40, 40, 44), QColor(230, 230, 230)),
    "federated-garden": lambda p: _book(p, QColor(58, 122, 84), QColor(240, 228, 180)),
    "dot-notebook": _notebook,
    "harbour-mug": _mug,
    "tide-vase": _vase,
    "kelp-bowl": _bowl,
}


def picture(product_id: str) -> bytes:
    image = QImage(SIDE, SIDE, QImage.Format.Format_ARGB32)
    image.fill(QColor(244, 240, 232))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    DRAWINGS[product_id](painter)
    painter.end()
    return png(image)


def png(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs say bytes; it takes str
    return bytes(data.data())


@contextmanager
def picture_site() -> Iterator[str]:
    """Serves /<product id>.png for every product drawn above; yields the site's address."""
    with serving({f"/{pid}.png": picture(pid) for pid in DRAWINGS}) as site:
        yield site


@contextmanager
def serving(pictures: dict[str, bytes]) -> Iterator[str]:
    """Serves these PNGs by path on 127.0.0.1, as a store's site serves its photos; yields the
    site's address."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pictures.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "image/png" if body else "text/plain")
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
