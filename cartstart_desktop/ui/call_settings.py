"""The desktop's call dialogs: Call settings (the camera, microphone and speaker calls use;
core.call_devices lists them without opening any; kept in the cart's settings, a call takes
them when it starts), and Call the store (the name the store will see, from a cart item)."""

from __future__ import annotations

from pathlib import Path

from ..core.call_devices import DEFAULT, NONE, Device, cameras, sound_devices
from ..core.lang import _
from ..core.settings import Settings
from .live_chat import plain_label
from .qt import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
    Signal,
)


def _combo(devices: list[Device], chosen: str, default: str, name: str) -> QComboBox:
    box = QComboBox()
    box.setAccessibleName(name)
    box.addItem(default, DEFAULT)
    for device in devices:
        box.addItem(device.label, device.choice)
    box.addItem(_("None"), NONE)
    known = [box.itemData(i) for i in range(box.count())]
    if chosen not in known:  # a device that is not plugged in now: kept, and shown as such
        box.insertItem(1, _("{device} (not found)", device=chosen), chosen)
    box.setCurrentIndex(max(0, [box.itemData(i) for i in range(box.count())].index(chosen)))
    return box


class CallSettingsDialog(QDialog):
    def __init__(self, settings: Settings, directory: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Call settings"))
        self._settings = settings
        self._directory = directory
        mics, speakers, problem = sound_devices()
        self.camera = _combo(cameras(), settings.camera, _("The first camera found"), _("Camera"))
        # A camera this computer cannot list (Windows: `dshow:video=<its name>`) can be typed.
        self.camera.setEditable(True)
        self.camera.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.microphone = _combo(
            mics, settings.microphone, _("The system's microphone"), _("Microphone")
        )
        self.speaker = _combo(speakers, settings.speaker, _("The system's speaker"), _("Speaker"))
        form = QFormLayout()
        form.addRow(_("Camera"), self.camera)
        form.addRow(_("Microphone"), self.microphone)
        form.addRow(_("Speaker"), self.speaker)
        note = plain_label(
            _(
                "Your camera stays off when a call starts: turn it on in the call when you want "
                "the store to see you."
            )
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #4a4f56")
        self.problem = plain_label(problem)
        self.problem.setStyleSheet("color: #9a6700")
        self.problem.setWordWrap(True)
        self.problem.setVisible(bool(problem))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)

    def _camera_choice(self) -> str:
        typed = self.camera.currentText().strip()
        listed = self.camera.itemText(self.camera.currentIndex())
        return str(self.camera.currentData()) if typed == listed else typed

    def accept(self) -> None:
        self._settings.camera = self._camera_choice()
        self._settings.microphone = str(self.microphone.currentData())
        self._settings.speaker = str(self.speaker.currentData())
        self._settings.save(self._directory)
        super().accept()


class CallStoreDialog(QDialog):
    """Before calling a store about an item in the cart: the name it will know the shopper by
    (remembered for next time). The call starts in a new live session with that store."""

    submitted = Signal(str)

    def __init__(self, store_name: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Call {store}", store=store_name))
        intro = plain_label(
            _(
                "{store} gets a video call request in a new live session, which you will also "
                "find under Live sessions. Your camera stays off until you turn it on.",
                store=store_name,
            )
        )
        intro.setWordWrap(True)
        self.name = QLineEdit(name)
        self.name.setMaxLength(60)
        self.name.setPlaceholderText(_("For example Ana"))
        self.name.setAccessibleName(_("Your name for the store"))
        form = QFormLayout()
        form.addRow(_("Your name for the store"), self.name)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.call_button = buttons.addButton(_("Call"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)

    def accept(self) -> None:
        self.submitted.emit(self.name.text().strip())
        super().accept()
