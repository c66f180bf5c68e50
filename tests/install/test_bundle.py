"""The desktop bundle as a shopper gets it: `make installer-test` builds it (from the runtime
packages only) and runs this file on it with CARTSTART_BUNDLE=dist/cartstart. Building takes
longer than `make test` can spare, so there these tests are skipped; the rest of the install
checks (the menu entry, the icon, the words) run in `make test`."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.install.test_desktop_entry import install_as_the_guide_says, read_entry

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = Path(os.environ.get("CARTSTART_BUNDLE", ""))
BUNDLE_PYTHON = ROOT / "build" / "bundle-venv" / "bin" / "python"  # has PyInstaller
NEVER = ("pytest", "_pytest", "mypy", "pygments")

pytestmark = pytest.mark.skipif(
    not os.environ.get("CARTSTART_BUNDLE"),
    reason="the bundle is built and checked by `make installer-test` (too slow for make test)",
)

# PyInstaller's own archive reader: the executable's table of contents, and in it the PYZ
# archive's (every pure-Python module the bundle carries).
LIST_MODULES = """
import json, sys
from PyInstaller.archive.readers import CArchiveReader
archive = CArchiveReader(sys.argv[1])
entries = list(archive.toc)
modules = []
for name in entries:
    if name.endswith(".pyz"):
        modules += list(archive.open_embedded_archive(name).toc)
print(json.dumps({"entries": entries, "modules": modules}))
"""


def bundle_contents() -> tuple[list[str], list[str], list[Path]]:
    executable = BUNDLE / "cartstart"
    out = subprocess.run(
        [str(BUNDLE_PYTHON), "-c", LIST_MODULES, str(executable)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    listed = json.loads(out)
    files = [p for p in BUNDLE.rglob("*")]
    return listed["entries"], listed["modules"], files


def test_the_bundle_carries_no_test_or_lint_tooling() -> None:
    entries, modules, files = bundle_contents()
    assert "cartstart_desktop.app" in modules and "PySide6" in {m.split(".")[0] for m in modules}
    assert len(modules) > 500, "the archive reader found too little: is this the bundle?"
    found = sorted(m for m in modules if m.split(".")[0] in NEVER)
    assert found == [], found[:20]
    collected = sorted(
        str(p.relative_to(BUNDLE)) for p in files if any(part.startswith(NEVER) for part in p.parts)
    )
    assert collected == [], collected[:20]
    assert not any(e.split(".")[0] in NEVER for e in entries)


def test_the_bundle_has_its_icon_and_qts_svg_engine() -> None:
    files = {str(p.relative_to(BUNDLE)) for p in BUNDLE.rglob("*")}
    svg = "_internal/cartstart_desktop/ui/cartstart.svg"
    assert svg in files
    assert (BUNDLE / svg).read_bytes() == (ROOT / "cartstart_desktop/ui/cartstart.svg").read_bytes()
    assert any(f.endswith("iconengines/libqsvgicon.so") for f in files), "no SVG icon engine"


def test_the_bundle_keeps_the_cldr_data_of_its_two_languages() -> None:
    data = {p.stem for p in (BUNDLE / "_internal/babel/locale-data").glob("*.dat")}
    assert {"root", "en", "sr_Latn"} <= data  # shared_protocol/i18n.py's _CLDR
    assert len(data) < 10, "the other CLDR locales are left out (34 MB)"


def test_the_bundle_starts_from_the_installed_menu_entry(tmp_path: Path) -> None:
    home = install_as_the_guide_says(tmp_path, BUNDLE)
    entry = read_entry(home / ".local/share/applications/cartstart.desktop")
    program = entry["Exec"].split()[0]
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin"}
    shown = subprocess.run([program, "--help"], capture_output=True, text=True, env=env, timeout=60)
    assert shown.returncode == 0 and "cartstart: link" in shown.stdout, shown.stderr
    # Without a display it says so, from the frozen app's own code (it imported fine).
    headless = subprocess.run([program], capture_output=True, text=True, env=env, timeout=60)
    assert headless.returncode == 2 and "no display found" in headless.stderr


def test_the_bundle_size_is_what_the_guide_records() -> None:
    size = sum(p.stat().st_size for p in BUNDLE.rglob("*") if p.is_file() and not p.is_symlink())
    mb = size / 1e6
    print(f"bundle: {mb:.0f} MB")
    guide = (ROOT / "docs" / "shopper.md").read_text()
    recorded = re.search(r"(\d+) MB on disk", guide)
    assert recorded, "docs/shopper.md should record the bundle's size"
    assert abs(int(recorded.group(1)) - mb) < mb / 10, f"docs/shopper.md: now {mb:.0f} MB"
