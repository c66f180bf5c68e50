"""The call in a live session's window: what the call is doing in words, the buttons that fit
(ask, accept or decline, cancel, hang up, camera, microphone, call settings), the running time,
and the store's video, or a placeholder while the store's camera is off.

The video view keeps only the newest frame and paints it scaled to fit (letterboxed), so a
window of any size shows the whole picture and a slow paint never queues frames. Everything it
shows comes from core.live_call.SessionCall and core.call.CallWatch.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..core.call import clock_text
from ..core.lang import N_, _
from ..core.live_call import SessionCall
from .live_chat import plain_label
from .qt import (
    QColor,
    QFont,
    QHBoxLayout,
    QImage,
    QPainter,
    QPushButton,
    QRectF,
    QSizePolicy,
    Qt,
    QVBoxLayout,
    QWidget,
)
from .runner import Run

if TYPE_CHECKING:
    import numpy

    from .qt import QPaintEvent

BACKGROUND = QColor("#1f2328")
BUSY_TIP = N_("The seller is on another call, or a call is under way in this session.")
PLACEHOLDER_TEXT = QColor("#d0d7de")


class VideoView(QWidget):
    """The other side's picture, or a placeholder that says why there is none."""

    def __init__(self) -> None:
        super().__init__()
        self.setMinimumSize(320, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(_("The store's video"))
        self._image: QImage | None = None
        self._pixels: Any = None  # the array the image reads from, kept alive with it
        self.placeholder = ""
        self.frames = 0

    def show_frame(self, rgb: numpy.ndarray[Any, Any]) -> None:
        height, width = rgb.shape[:2]
        self._pixels = rgb
        self._image = QImage(rgb.data, width, height, rgb.strides[0], QImage.Format.Format_RGB888)
        self.frames += 1
        if not self.placeholder:
            self.update()

    def set_placeholder(self, text: str) -> None:
        """Shown instead of the video ("" shows the video)."""
        if text != self.placeholder:
            self.placeholder = text
            self.setAccessibleDescription(text)
            self.update()

    def clear(self) -> None:
        self._image = None
        self._pixels = None
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), BACKGROUND)
        image = self._image
        if self.placeholder or image is None:
            painter.setPen(PLACEHOLDER_TEXT)
            font = QFont(self.font())
            font.setPointSizeF(font.pointSizeF() * 1.2)
            painter.setFont(font)
            text = self.placeholder or _("Connecting the video…")
            painter.drawText(
                self.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, text
            )
            return
        scale = min(self.width() / image.width(), self.height() / image.height())
        w, h = image.width() * scale, image.height() * scale
        target = QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(target, image)


class CallPanel(QWidget):
    """Above the chat: one line and its buttons; while a call runs, the video under it and
    the call's controls under the video."""

    def __init__(self, call: SessionCall, run: Run, clock: Callable[[], float]) -> None:
        super().__init__()
        self.call = call
        self._run = run
        self._clock = clock
        self.status = plain_label(wrap=True)  # an ended call's words can be long
        self.status.setAccessibleName(_("Call"))
        self.time = plain_label()
        self.time.setAccessibleName(_("Call time"))
        self.time.setStyleSheet("color: #4a4f56")
        self.trouble = plain_label()
        self.trouble.setStyleSheet("color: #b02020")
        self.trouble.setWordWrap(True)
        self.trouble.hide()
        self.ask = QPushButton(_("Ask for a video call"))
        self.accept = QPushButton(_("Accept"))
        self.decline = QPushButton(_("Decline"))
        self.cancel = QPushButton(_("Cancel"))
        self.hang_up = QPushButton(_("Hang up"))
        self.camera = QPushButton(_("Turn camera on"))
        self.microphone = QPushButton(_("Mute microphone"))
        self.settings = QPushButton(_("Call settings…"))
        self.hang_up.setStyleSheet("background: #b02020; color: white; padding: 3px 12px")
        self.accept.setStyleSheet("background: #1a7f37; color: white; padding: 3px 12px")
        self.buttons = [
            self.ask,
            self.accept,
            self.decline,
            self.cancel,
            self.camera,
            self.microphone,
            self.hang_up,
        ]
        # The line: what the call is doing, its time, and what to do before it runs. While it
        # runs, its controls go under the video (all on one line, they would widen the chat
        # side past its share of the window and squeeze the counter).
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.status, 1)
        bar.addWidget(self.time)
        for button in (self.ask, self.accept, self.decline, self.cancel):
            bar.addWidget(button)
        bar.addWidget(self.settings)
        self.video = VideoView()
        self.video.hide()
        self.controls = QWidget()
        under = QHBoxLayout(self.controls)
        under.setContentsMargins(0, 0, 0, 0)
        under.addWidget(self.camera)
        under.addWidget(self.microphone)
        under.addStretch(1)
        under.addWidget(self.hang_up)
        self.controls.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 6)
        layout.addLayout(bar)
        layout.addWidget(self.trouble)
        layout.addWidget(self.video, 1)
        layout.addWidget(self.controls)

        self.ask.clicked.connect(lambda: self._do(call.ask()))
        self.accept.clicked.connect(lambda: self._do(call.answer(True)))
        self.decline.clicked.connect(lambda: self._do(call.answer(False)))
        self.cancel.clicked.connect(lambda: self._do(call.hang_up()))
        self.hang_up.clicked.connect(lambda: self._do(call.hang_up()))
        self.camera.clicked.connect(lambda: self._do(call.set_camera(not call.camera_on)))
        self.microphone.clicked.connect(
            lambda: self._do(call.set_microphone(not call.microphone_on))
        )
        call.video.connect(self.video.show_frame)
        call.trouble.connect(self.show_trouble)
        call.media_changed.connect(self._media_changed)
        self.show_call()

    def _do(self, work: Any) -> None:
        self.trouble.hide()
        self._run(work)

    def show_trouble(self, text: str) -> None:
        self.trouble.setText(text)
        self.trouble.show()

    def _media_changed(self, _unused: None) -> None:
        self.show_call()

    def show_call(self, read_only: bool = False) -> None:
        watch = self.call.watch
        now = self._clock()
        self.status.setText(watch.status_text(now))
        here = watch.here
        in_call = watch.active and here
        shown = {
            self.ask: watch.current is None and not read_only,
            self.accept: watch.incoming,
            self.decline: watch.incoming,
            self.cancel: watch.ringing and here,
            self.hang_up: in_call,
            self.camera: in_call,
            self.microphone: in_call,
        }
        for button, visible in shown.items():
            button.setVisible(visible)
        # While a command is on its way, a second click would send a second one.
        busy = self.call.busy
        for button in (self.accept, self.decline, self.cancel, self.hang_up):
            button.setEnabled(not busy)
        self.ask.setEnabled(watch.can_ask and not busy)
        self.ask.setToolTip("" if watch.can_ask else _(BUSY_TIP))  # no names: a tip may be markup
        media = self.call.media
        self.camera.setText(_("Turn camera off") if self.call.camera_on else _("Turn camera on"))
        self.camera.setEnabled(media is not None and not busy)
        has_microphone = media is None or media.has_microphone
        self.microphone.setEnabled(media is not None and has_microphone)
        self.microphone.setToolTip(
            "" if has_microphone else _("No microphone was found: choose one in Call settings.")
        )
        if not has_microphone:
            self.microphone.setText(_("No microphone"))
        else:
            self.microphone.setText(
                _("Mute microphone") if self.call.microphone_on else _("Unmute microphone")
            )
        self.tick()
        if in_call:
            store = watch.store_name or _("The store")
            off = _("{store}'s camera is off", store=store)
            self.video.set_placeholder("" if watch.peer.camera else off)
            self.video.show()
            self.controls.show()
        else:
            self.video.hide()
            self.controls.hide()
            self.video.clear()

    def tick(self) -> None:
        watch = self.call.watch
        self.time.setText(clock_text(watch.elapsed(self._clock())) if watch.active else "")
        self.time.setVisible(watch.active)

    def detach(self) -> None:
        for signal, slot in (
            (self.call.video, self.video.show_frame),
            (self.call.trouble, self.show_trouble),
            (self.call.media_changed, self._media_changed),
        ):
            with contextlib.suppress(ValueError):
                signal.disconnect(slot)  # type: ignore[arg-type]
