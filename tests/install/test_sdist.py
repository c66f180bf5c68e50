"""The source archive carries what the guides install from it, and builds as a release would.

Built with the project's own backend (`python -m build --sdist --no-isolation`, with the dev
extra's setuptools, at least the declared floor), then the wheel is built from the unpacked
archive as `pip install .` there would (docs/admin.md): an archive missing a package file fails.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def build(kind: str, source: Path, out: Path) -> Path:
    done = subprocess.run(
        [sys.executable, "-m", "build", f"--{kind}", "--no-isolation", "--outdir", str(out), "."],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (made,) = out.glob("*.tar.gz" if kind == "sdist" else "*.whl")
    return made


@pytest.fixture(scope="module")
def sdist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build("sdist", ROOT, tmp_path_factory.mktemp("sdist"))


def tracked(folder: str) -> set[str]:
    """The repository's own files under a folder (what the archive must carry)."""
    out = subprocess.run(
        ["git", "ls-files", folder], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return set(out.split())


def test_the_declared_setuptools_floor_is_the_one_the_license_needs() -> None:
    """`license = "MIT"` (an SPDX string) and `license-files` need setuptools 77 or later."""
    from importlib.metadata import version

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["build-system"]["requires"] == ["setuptools>=77"]
    assert project["project"]["license"] == "MIT"
    assert int(version("setuptools").split(".")[0]) >= 77  # what this venv builds with


@pytest.mark.slow
def test_the_sdist_carries_installers_docs_and_the_license(sdist: Path, tmp_path: Path) -> None:
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
        archive.extractall(tmp_path, filter="data")
    if (ROOT / ".git").exists():
        expected = tracked("installers") | tracked("docs")
    else:  # a checkout without git (an unpacked archive itself)
        expected = {str(p.relative_to(ROOT)) for p in (ROOT / "installers").iterdir()}
    assert expected, "nothing found to expect"
    assert expected <= names, sorted(expected - names)
    assert {"LICENSE", "installers/cartstart-server.service", "installers/hub.toml"} <= names
    assert "docs/img/desktop-cart.png" in names  # the guides' pictures too
    license_text = (ROOT / "LICENSE").read_text()
    assert license_text.startswith("MIT License")
    assert "Copyright (c) " in license_text and "CartStart contributors" in license_text

    # What the admin guide does with it: build the wheel from the unpacked archive.
    (unpacked,) = tmp_path.glob("cartstart-*")
    wheel = build("wheel", unpacked, tmp_path / "wheel")
    with zipfile.ZipFile(wheel) as built:
        inside = set(built.namelist())
        metadata = next(n for n in inside if n.endswith(".dist-info/METADATA"))
        fields = built.read(metadata).decode()
    assert "License-Expression: MIT" in fields
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in inside)
    assert "storefront_templates/static/cartstart.js" in inside
    assert "shared_protocol/locales/sr/LC_MESSAGES/desktop.po" in inside
    assert not any(n.startswith(("installers/", "docs/", "tests/")) for n in inside)
