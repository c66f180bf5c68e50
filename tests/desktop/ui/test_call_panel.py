"""The call panel above a live session's chat, in each state of a call: what it shows, and that
it never needs more width than the chat side has at the window's default size (wider, it
pushes the splitter and squeezes the counter's buttons, as the first desktop-live-call.png
showed with the in-call buttons all on one line)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from PySide6.QtWidgets import QPushButton, QWidget

from cartstart_desktop.core.call import CallWatch
from cartstart_desktop.core.observable import Signal
from cartstart_desktop.ui.live_call import CallPanel
from shared_protocol.calls import CallInfo, PeerMedia

CHAT_SIDE = 560  # LiveWindow's splitter gives the chat side this much at the default size
NOW = 1_000.0


class FakeCall:
    """What CallPanel reads of core.live_call.SessionCall."""

    def __init__(self) -> None:
        self.watch = CallWatch("Harbour Ceramics")
        self.watch.mine.add("c1")  # this cart's call
        self.busy = False
        self.media: Any = None
        self.camera_on = False
        self.microphone_on = True
        self.video: Signal[Any] = Signal()
        self.trouble: Signal[str] = Signal()
        self.media_changed: Signal[None] = Signal()


def info(state: str, started_by: str = "visitor", **more: Any) -> CallInfo:
    return CallInfo(call_id="c1", started_by=started_by, state=state, created_at=NOW, **more)


def never_run(work: Any) -> Any:
    work.close()  # no button is clicked here


def shown(panel: CallPanel) -> set[str]:
    return {b.text() for b in panel.findChildren(QPushButton) if not b.isHidden()}


def fits(panel: CallPanel) -> bool:
    panel.adjustSize()
    return panel.minimumSizeHint().width() <= CHAT_SIDE


def test_every_state_fits_the_chat_side_and_shows_its_buttons(qtbot: Any) -> None:
    call = FakeCall()
    panel = CallPanel(call, never_run, clock=lambda: NOW + 65)  # type: ignore[arg-type]
    holder = QWidget()
    panel.setParent(holder)
    qtbot.addWidget(holder)
    assert shown(panel) == {"Ask for a video call", "Call settings…"} and fits(panel)

    call.watch.apply(info("ringing"), NOW)
    panel.show_call()
    assert shown(panel) == {"Cancel", "Call settings…"} and fits(panel)
    assert panel.status.text() == "Calling the seller…"

    call.watch = CallWatch("Harbour Ceramics")  # the store rings: not this cart's until accepted
    call.watch.apply(info("ringing", "store"), NOW)
    panel.show_call()
    assert shown(panel) == {"Accept", "Decline", "Call settings…"} and fits(panel)

    call.watch.mine.add("c1")  # accepted here
    call.watch.apply(info("active", "store", answered_at=NOW), NOW)
    call.media = SimpleNamespace(has_microphone=True)
    panel.show_call()
    assert shown(panel) == {"Call settings…", "Turn camera on", "Mute microphone", "Hang up"}
    assert fits(panel)
    assert panel.time.text() == "1:05" and not panel.video.isHidden()
    assert panel.video.placeholder == "Harbour Ceramics's camera is off"
    call.watch.media(PeerMedia(call_id="c1", side="store", camera=True, microphone=True))
    panel.show_call()
    assert panel.video.placeholder == ""

    # No microphone on this computer: said so, not an Unmute button that does nothing.
    call.media = SimpleNamespace(has_microphone=False)
    call.microphone_on = False
    panel.show_call()
    assert not panel.microphone.isEnabled() and panel.microphone.text() == "No microphone"

    ended = info("ended", "store", answered_at=NOW, ended_at=NOW + 65, end_reason="hung_up",
                 ended_by="store", duration=65.0)  # fmt: skip
    call.watch.apply(ended, NOW + 65)
    call.media = None
    panel.show_call()
    assert panel.status.text() == "Harbour Ceramics hung up. The call lasted 1:05."
    assert shown(panel) == {"Ask for a video call", "Call settings…"} and fits(panel)
    assert panel.video.isHidden() and panel.controls.isHidden()

    # A call the shopper took in the browser (the same session open there): said, not joined.
    call.watch.apply(
        info("active", "visitor", answered_at=NOW).model_copy(update={"call_id": "c2"}), NOW
    )
    panel.show_call()
    assert panel.status.text() == "In a call with Harbour Ceramics in another window (your browser)"
    assert shown(panel) == {"Call settings…"} and panel.video.isHidden()

    # While a command is on its way, the buttons wait for it.
    call.watch = CallWatch("Harbour Ceramics")
    call.busy = True
    panel.show_call()
    assert not panel.ask.isEnabled()
