"""`pip install cartstart` without the desktop extra: the `cartstart` command says what to
install instead of failing on an import. Run as the installed entry point, in a process where
the extra's packages cannot be imported."""

from __future__ import annotations

import subprocess
import sys

import pytest

# The console script pip made for `cartstart`, loaded from the installed metadata, with the
# desktop extra's packages made unimportable: absent (a finder that refuses them, as on a
# machine without them) or blocked (None in sys.modules).
RUN = """
import sys
from importlib.machinery import PathFinder
from importlib.metadata import entry_points

HIDDEN = set(sys.argv[2].split(","))

class Absent(PathFinder):
    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name.split(".")[0] in HIDDEN:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

if sys.argv[1] == "absent":
    sys.meta_path.insert(0, Absent)
else:
    sys.modules.update(dict.fromkeys(HIDDEN))
(script,) = entry_points(group="console_scripts", name="cartstart")
sys.exit(script.load()([]))
"""


@pytest.mark.parametrize("how", ["absent", "blocked"])
def test_the_cartstart_command_without_the_desktop_extra_says_what_to_install(how: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", RUN, how, "aiosqlite,PySide6,qasync"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "pip install 'cartstart[desktop]'" in done.stderr
    assert "(PySide6, qasync, aiosqlite)" in done.stderr
    assert done.stdout == ""


def test_with_the_extra_the_command_goes_on_to_the_cart() -> None:
    """The same entry point, nothing hidden, no display: the cart's own check answers."""
    env = {"PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": ""}
    done = subprocess.run(
        [sys.executable, "-c", RUN, "blocked", "nothing-hidden"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert "no display found" in done.stderr


def test_a_cartstart_link_starts_the_cart_and_nothing_else_is_taken() -> None:
    """Desktops pass the link that opened the cart (the registered cartstart: scheme)."""
    from cartstart_desktop.app import parse_args

    assert parse_args(["cartstart://open"]).link == "cartstart://open"
    assert parse_args([]).link is None
    with pytest.raises(SystemExit) as refused:
        parse_args(["https://example.org/"])
    assert refused.value.code == 2
