"""A store's Direct Selling Page settings as plans: on or off, its style, the agents'
workspace and whether its rating shows (one `live_settings` row per store)."""

from __future__ import annotations

from typing import Any

from shared_protocol.live import LiveSettings, LiveSettingsIn, LiveStyle

from . import desk, directory, ratings
from .sql import Plan, Stmt, one


def settings(store_id: str) -> Plan[tuple[bool, LiveStyle]]:
    """Whether the store's page is on, and its style (every store has one, on, until its owner
    says otherwise)."""
    row = one((yield Stmt("SELECT * FROM live_settings WHERE store_id = ?", (store_id,))))
    if row is None:
        return True, LiveStyle()
    return bool(row["enabled"]), LiveStyle.model_validate_json(row["style"])


def view(store_id: str, hub_url: str) -> Plan[LiveSettings]:
    """The settings as the owner's console shows them."""
    store = yield from directory.require_store(store_id)
    enabled, style = yield from settings(store_id)
    return LiveSettings(
        store_id=store.id,
        store_name=store.name,
        enabled=enabled,
        workspace=(yield from desk.workspace(store_id)),
        show_rating=(yield from ratings.shown(store_id)),
        style=style,
        page_url=f"{hub_url}/live/{store.id}",
    )


def change(store_id: str, given: dict[str, Any]) -> Plan[None]:
    """Save the fields in `given` (LiveSettingsIn's); the others keep their values, so a backend
    setting its greeting does not undo what the owner chose in the console. The row is locked
    first: two saves at once never lose one another's fields."""
    yield Stmt(
        "INSERT INTO live_settings (store_id, enabled, style) VALUES (?, 1, ?) "
        "ON CONFLICT (store_id) DO NOTHING",
        (store_id, LiveStyle().model_dump_json()),
    )
    yield Stmt("UPDATE live_settings SET enabled = enabled WHERE store_id = ?", (store_id,))
    enabled, style = yield from settings(store_id)
    kept = {
        "enabled": enabled,
        "workspace": (yield from desk.workspace(store_id)),
        "show_rating": (yield from ratings.shown(store_id)),
    }
    new = LiveSettingsIn.model_validate({**kept, **style.model_dump(), **given})
    new_style = LiveStyle(**new.model_dump(exclude={"enabled", "workspace", "show_rating"}))
    yield Stmt(
        "UPDATE live_settings SET enabled = ?, style = ?, workspace = ? WHERE store_id = ?",
        (int(new.enabled), new_style.model_dump_json(), int(new.workspace), store_id),
    )
    yield from ratings.set_shown(store_id, new.show_rating)
