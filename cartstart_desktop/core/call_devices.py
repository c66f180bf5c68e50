"""Cameras, microphones and speakers for calls, and the choice the shopper made (no aiortc here:
the settings dialog lists devices without loading the call's media stack).

Sound goes through PortAudio (`sounddevice`): one library that lists, plays and records on
Linux (ALSA, and PipeWire or PulseAudio through the system's ALSA plugins), Windows and macOS,
with wheels that carry PortAudio on the last two (Debian: `libportaudio2`). The camera is opened
by aiortc's MediaPlayer (FFmpeg's v4l2, avfoundation or dshow input). A choice is a string kept
in the settings: "" for the system's default, "none", a device's name, or `format:file` for a
camera or a test source (`lavfi:testsrc=size=640x480:rate=30`, `lavfi:sine=frequency=440`)."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .lang import _

log = logging.getLogger(__name__)

DEFAULT = ""
NONE = "none"
CAMERA_SIZE = "640x480"
CAMERA_RATE = "30"


@dataclass(frozen=True)
class Device:
    choice: str
    """What the settings keep."""
    label: str
    """What the shopper reads."""


@dataclass(frozen=True)
class Source:
    """An FFmpeg input for aiortc's MediaPlayer."""

    format: str
    file: str
    options: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class CallDevices:
    """What a call uses. The camera is opened only when the shopper turns it on."""

    camera: Source | None
    microphone: str | Source | None
    """A PortAudio device ("" the default), a test source, or None for silence."""
    speaker: str | None
    """A PortAudio device ("" the default), or None: the other side's sound is not played."""


def portaudio() -> Any:
    """PortAudio, or None when it is missing (its library is not installed)."""
    try:
        import sounddevice
    except OSError as exc:  # sounddevice raises OSError when libportaudio is not found
        log.info("no PortAudio: %s", exc)
        return None
    return sounddevice


def sound_devices() -> tuple[list[Device], list[Device], str]:
    """(microphones, speakers, a problem to show or "")."""
    sd = portaudio()
    if sd is None:
        return [], [], _("Sound is not available: PortAudio is not installed on this computer.")
    try:
        found = list(sd.query_devices())
    except Exception as exc:  # (PortAudio's errors are its own types)
        return [], [], _("Sound devices could not be listed ({problem}).", problem=exc)
    mics = [Device(d["name"], d["name"]) for d in found if d["max_input_channels"] > 0]
    speakers = [Device(d["name"], d["name"]) for d in found if d["max_output_channels"] > 0]
    problem = "" if mics or speakers else _("No microphone or speaker was found.")
    return mics, speakers, problem


def cameras() -> list[Device]:
    """The cameras this computer has, as far as can be told without opening them."""
    if sys.platform.startswith("linux"):
        found = []
        for node in sorted(Path("/sys/class/video4linux").glob("video*")):
            try:
                name = (node / "name").read_text(encoding="utf-8").strip()
                index = (node / "index").read_text(encoding="utf-8").strip()
            except OSError:
                continue
            if index != "0":
                continue  # a camera's second node (its metadata), not a picture
            found.append(Device(f"v4l2:/dev/{node.name}", name or node.name))
        return found
    if sys.platform == "darwin":
        return [Device("avfoundation:0", _("Built-in camera"))]
    # Windows: DirectShow cameras cannot be listed without opening FFmpeg's device list, so the
    # settings dialog takes a typed `dshow:video=<the camera's name>` (docs/shopper.md).
    return []


def _source(choice: str, options: tuple[tuple[str, str], ...] = ()) -> Source:
    fmt, _, file = choice.partition(":")
    return Source(fmt, file, options if fmt != "lavfi" else ())


def choose(camera: str, microphone: str, speaker: str) -> CallDevices:
    """The devices for a call from the settings' strings."""
    cam: Source | None = None
    if camera == DEFAULT:
        found = cameras()
        camera = found[0].choice if found else NONE
    if camera != NONE:
        cam = _source(camera, (("video_size", CAMERA_SIZE), ("framerate", CAMERA_RATE)))
    mic: str | Source | None
    if microphone == NONE:
        mic = None
    elif microphone.startswith("lavfi:"):
        mic = _source(microphone)
    else:
        mic = microphone if portaudio() is not None else None
    out = None if speaker == NONE or portaudio() is None else speaker
    return CallDevices(cam, mic, out)
