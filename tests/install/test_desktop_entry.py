"""The Linux menu entry as docs/shopper.md installs it: the guide's own commands, run in a
fresh home, must leave an entry that starts the bundle by its absolute path, with its icon in
the icon theme and the cartstart: scheme, clean for desktop-file-validate."""

from __future__ import annotations

import configparser
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "shopper.md"
ICON = ROOT / "cartstart_desktop" / "ui" / "cartstart.svg"
# The freedesktop menu specification's main categories: an entry names exactly one.
MAIN = {"AudioVideo", "Audio", "Video", "Development", "Education", "Game", "Graphics",
        "Network", "Office", "Science", "Settings", "System", "Utility"}  # fmt: skip


def linux_commands() -> str:
    text = GUIDE.read_text()
    section = text[text.index("#### Linux") :]
    found = re.search(r"```sh\n(.*?)```", section, re.S)
    assert found, "no ```sh block under #### Linux in docs/shopper.md"
    return found.group(1)


def install_as_the_guide_says(tmp_path: Path, bundle: Path | None = None) -> Path:
    """Runs the guide's commands in a checkout-like folder with a fresh $HOME; returns $HOME."""
    checkout, home = tmp_path / "checkout", tmp_path / "home"
    home.mkdir()
    (checkout / "dist").mkdir(parents=True)
    for name in ("installers", "cartstart_desktop"):
        (checkout / name).symlink_to(ROOT / name)
    if bundle is not None:
        (checkout / "dist" / "cartstart").symlink_to(bundle.resolve())
    else:  # a stand-in for `make installer`'s folder
        (checkout / "dist" / "cartstart").mkdir()
        program = checkout / "dist" / "cartstart" / "cartstart"
        program.write_text("#!/bin/sh\nexit 0\n")
        program.chmod(0o755)
    env = {"HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    done = subprocess.run(
        ["bash", "-eu", "-c", linux_commands()],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return home


def read_entry(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path)
    return dict(parser["Desktop Entry"])


def test_the_guides_commands_install_an_entry_any_launcher_can_start(tmp_path: Path) -> None:
    home = install_as_the_guide_says(tmp_path)
    entry_file = home / ".local/share/applications/cartstart.desktop"
    entry = read_entry(entry_file)
    program, *args = entry["Exec"].split()
    assert Path(program).is_absolute(), entry["Exec"]
    assert Path(program) == home / ".local/opt/cartstart/cartstart"
    assert os.access(program, os.X_OK)
    assert args == ["%u"]
    # The icon by name, found in the hicolor theme where the guide put it.
    assert entry["Icon"] == "cartstart"
    icon = home / ".local/share/icons/hicolor/scalable/apps/cartstart.svg"
    assert icon.read_bytes() == ICON.read_bytes()
    categories = [c for c in entry["Categories"].split(";") if c]
    assert len(set(categories) & MAIN) == 1, categories
    assert "x-scheme-handler/cartstart" in entry["MimeType"].split(";")
    if shutil.which("update-desktop-database"):
        cache = (home / ".local/share/applications/mimeinfo.cache").read_text()
        assert "x-scheme-handler/cartstart=cartstart.desktop;" in cache


@pytest.mark.skipif(
    shutil.which("desktop-file-validate") is None,
    reason="desktop-file-validate is not installed (Debian: desktop-file-utils)",
)
def test_the_installed_entry_is_valid(tmp_path: Path) -> None:
    home = install_as_the_guide_says(tmp_path)
    for entry in (
        home / ".local/share/applications/cartstart.desktop",
        ROOT / "installers" / "cartstart.desktop",
    ):
        done = subprocess.run(
            ["desktop-file-validate", str(entry)], capture_output=True, text=True, timeout=30
        )
        assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr


def test_every_platforms_installer_registers_the_link_scheme_the_cart_takes() -> None:
    """Linux (the entry's MimeType), macOS (the spec's Info.plist), Windows (the Inno script):
    the same scheme app.py accepts. Those builds cannot be made here; their texts are checked."""
    from cartstart_desktop.app import LINK_SCHEME

    entry = read_entry(ROOT / "installers" / "cartstart.desktop")
    assert f"x-scheme-handler/{LINK_SCHEME}" in entry["MimeType"].split(";")
    spec = (ROOT / "installers" / "cartstart.spec").read_text()
    assert f'SCHEME = "{LINK_SCHEME}"' in spec
    assert '"CFBundleURLSchemes": [SCHEME]' in spec and 'if sys.platform == "darwin":' in spec
    iss = (ROOT / "installers" / "cartstart.iss").read_text()
    assert (
        f'Subkey: "Software\\Classes\\{LINK_SCHEME}"; ValueType: string; ValueName: "URL Protocol"'
        in iss
    )
    assert f'Subkey: "Software\\Classes\\{LINK_SCHEME}\\shell\\open\\command"' in iss
    assert '""{app}\\cartstart.exe"" ""%1""' in iss
