"""The call's sound through a real PortAudio (Debian's libportaudio2) on ALSA's null device:
the other side's voice is handed to the speaker in order and at most 200 ms is kept waiting;
the microphone gives 20 ms blocks. Run in a child process whose home has an .asoundrc (ALSA
reads it once, when PortAudio starts), since this machine has no sound card."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

CHILD = """
import asyncio, json, time
from cartstart_desktop.core.call_devices import sound_devices
from cartstart_desktop.core.call_sound import MAX_PLAYBACK, Microphone, Speaker

async def main():
    mics, speakers, problem = sound_devices()
    speaker = Speaker.open("")
    mic = Microphone.open("", asyncio.get_running_loop())
    speaker.play(b"\\x01\\x00" * 1920 * 50)  # a second at once: only the newest 200 ms stay
    kept = len(speaker._pending)
    blocks = [await mic.read() for _ in range(5)]
    deadline = time.monotonic() + 5
    while speaker.played < kept and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    mic.close()
    speaker.close()
    print(json.dumps({
        "mics": [d.label for d in mics], "speakers": [d.label for d in speakers],
        "problem": problem, "kept": kept, "max": MAX_PLAYBACK, "played": speaker.played,
        "blocks": [len(b) for b in blocks],
    }))

asyncio.run(main())
"""


def test_the_speaker_and_microphone_through_portaudio(tmp_path: Path) -> None:
    (tmp_path / ".asoundrc").write_text("pcm.!default { type null }\n", encoding="utf-8")
    env = {**os.environ, "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert "default" in found["mics"] and "default" in found["speakers"]
    assert found["problem"] == ""
    assert found["kept"] == found["max"]  # the oldest 800 ms were dropped, not queued
    assert found["played"] >= found["kept"]
    assert found["blocks"] == [960] * 5
