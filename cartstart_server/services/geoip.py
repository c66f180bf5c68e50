"""A visitor's country from their address, with an offline MaxMind-format database the hub's
admin provides (`geoip_database`, docs/admin.md). Off by default: without it, the live visitor
list shows only what the browser says (time zone, language). Needs the `geoip` extra
(maxminddb), imported only when configured."""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def country_lookup(database: Path) -> Callable[[str], str | None]:
    """address -> ISO 3166 country code (None: unknown, private or not an address)."""
    import maxminddb  # the optional extra: only when the admin configured a database

    reader = maxminddb.open_database(str(database))

    def country_of(address: str) -> str | None:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return None
        if not ip.is_global:
            return None
        try:
            found: Any = reader.get(ip)
        except ValueError:
            return None
        if not isinstance(found, dict):
            return None
        country = found.get("country") or found.get("registered_country") or {}
        code = country.get("iso_code") if isinstance(country, dict) else None
        return code if isinstance(code, str) and len(code) == 2 else None

    return country_of
