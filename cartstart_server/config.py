"""Hub settings: defaults, then a TOML file, then `CARTSTART_*` environment variables, then
command-line flags (each overrides the one before). pydantic-settings reads the file and the
environment; `HubConfig` itself is a plain model, so code and tests build one directly."""

from __future__ import annotations

import os
import resource
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

ENV_PREFIX = "CARTSTART_"
DAY = 24 * 3600.0


class HubConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    data_dir: Path = Field(Path("cartstart-data"), description="Holds the SQLite database")
    host: str = Field("127.0.0.1", description="Address to listen on (both listeners)")
    port: int = Field(8740, ge=0, le=65535, description="HTTP port (REST, polling, static)")
    ws_port: int | None = Field(None, ge=0, le=65535, description="WebSocket port; default port+1")
    public_http_url: str | None = Field(None, description="HTTP URL clients should use")
    public_ws_url: str | None = Field(None, description="WebSocket URL clients should use")
    max_connections: int | None = Field(
        None, ge=1, description="WebSocket connection cap; default: open-files limit minus 1,000"
    )
    max_frame_bytes: int = Field(64 * 1024, ge=1024, description="Largest WebSocket frame")
    max_body_bytes: int = Field(1024 * 1024, ge=1024, description="Largest HTTP request body")
    ring_seconds: float = Field(30.0, gt=0, description="How long a call rings before it ends")
    stun_urls: list[str] = Field(
        default_factory=list, description="STUN servers for calls, e.g. stun:turn.example.org"
    )
    turn_urls: list[str] = Field(
        default_factory=list, description="TURN servers for calls, e.g. turn:turn.example.org"
    )
    turn_secret: str | None = Field(
        None, description="coturn's static-auth-secret: the hub hands out expiring credentials"
    )
    turn_ttl: float = Field(3600.0, gt=0, description="How long TURN credentials stay valid")
    support_tick_seconds: float = Field(
        15.0, gt=0, description="How often a running support call records a tick (crash safety)"
    )
    support_orphan_seconds: float = Field(
        30.0,
        gt=0,
        description="A support call without a tick for this long is ended by any node and "
        "charged up to its last tick (keep it at least twice the tick)",
    )
    max_upload_bytes: int = Field(
        5 * 1024 * 1024, ge=1024, description="Largest image uploaded to a live-selling board"
    )
    hello_timeout: float = Field(10.0, gt=0, description="Seconds a new socket has to say hello")
    rate_per_second: float = Field(50.0, gt=0, description="Messages per second per connection")
    rate_burst: float = Field(200.0, ge=1, description="Burst allowance per connection")
    flood_strikes: int = Field(100, ge=1, description="Refused messages before a flood close")
    session_ttl: float = Field(30 * DAY, gt=0, description="Lifetime of a shopper session token")
    agent_session_ttl: float = Field(
        12 * 3600.0, gt=0, description="Lifetime of a store agent's console sign-in (a shift)"
    )
    link_token_ttl: float = Field(7 * DAY, gt=0, description="Default lifetime of a link token")
    browser_ttl: float = Field(
        30 * DAY, gt=0, description="Lifetime of a browser connected on the hub's connect page"
    )
    default_ticket_ttl: float = Field(
        900.0, ge=1, le=7 * DAY, description="Ticket TTL of a new store"
    )
    default_renewal_limit: int = Field(2, ge=0, description="Renewal limit of a new store")
    expiry_warning: float = Field(60.0, ge=0, description="Warn carts this long before expiry")
    long_poll_max: float = Field(30.0, gt=0, description="Longest a poll request is held open")
    fanout_window: float = Field(
        0.15,
        ge=0,
        le=1.0,
        description="Seconds over which availability changes to one product are coalesced per node; 0 sends every change at once",
    )
    scrypt_n: int = Field(2**15, ge=2**10, description="scrypt cost for shopper passwords")
    smtp_host: str | None = Field(None, description="Mail server for shoppers' order emails")
    smtp_port: int = Field(25, ge=1, le=65535, description="Mail server port")
    smtp_starttls: bool = Field(False, description="Upgrade the mail connection with STARTTLS")
    smtp_username: str | None = Field(None, description="Mail server login, if it needs one")
    smtp_password: str | None = Field(
        None, description="Mail server password: set CARTSTART_SMTP_PASSWORD, never the file"
    )
    mail_from: str = Field("CartStart <no-reply@localhost>", description="From: of hub emails")
    webhook_timeout: float = Field(10.0, gt=0, description="Seconds a store's webhook may take")
    sqlite_synchronous: Literal["FULL", "NORMAL"] = "FULL"
    database_url: str | None = Field(
        None,
        description="postgresql://... to keep the ledger in PostgreSQL (several hub nodes); "
        "default: SQLite in data_dir",
    )
    redis_url: str | None = Field(
        None, description="redis://... to fan out between hub nodes; default: in-process"
    )
    redis_prefix: str = Field("cartstart:", description="Prefix of the hub's Redis channels")
    geoip_database: Path | None = Field(
        None,
        description="A MaxMind-format country database (.mmdb): the live visitor list then shows "
        "a country from the visitor's address (needs the `geoip` extra); off by default",
    )
    log_format: Literal["json", "text"] = "json"
    log_level: str = "INFO"

    def effective_ws_port(self) -> int:
        if self.ws_port is not None:
            return self.ws_port
        return 0 if self.port == 0 else self.port + 1

    def effective_max_connections(self) -> int:
        if self.max_connections is not None:
            return self.max_connections
        soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
        # Leave room for the database, HTTP clients and accept() itself: at the limit asyncio
        # logs accept errors thousands of times a second instead of refusing politely.
        return max(16, soft - 1000)

    @property
    def database_path(self) -> Path:
        return self.data_dir / "hub.sqlite3"


class _Environment(EnvSettingsSource):
    """`CARTSTART_<NAME>` variables, from the given mapping instead of the process's own (so a
    test or a tool can say which environment counts)."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        self._environ = environ
        super().__init__(settings_cls, env_prefix=ENV_PREFIX, case_sensitive=False)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return {name.lower(): value for name, value in self._environ.items()}


class _Sources(BaseSettings, HubConfig):
    """HubConfig's fields, filled from flags (init), the environment and the TOML file."""

    model_config = SettingsConfigDict(extra="forbid")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        file: Path | None = cls.model_config.get("toml_file")  # type: ignore[assignment]
        environ: Mapping[str, str] = cls.model_config.get("environ", os.environ)  # type: ignore[assignment]
        sources = [init_settings, _Environment(settings_cls, environ)]
        if file is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=file))
        return tuple(sources)


def load_config(
    file: Path | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> HubConfig:
    """Raises ValidationError for a bad value or an unknown key (`explain` words it), and
    OSError when the file cannot be read."""
    if file is not None:
        file.open("rb").close()  # a missing file is an OSError, not an empty one

    class Loaded(_Sources):
        model_config = SettingsConfigDict(
            toml_file=file,
            environ=os.environ if environ is None else environ,  # type: ignore[typeddict-unknown-key]
        )

    flags = {k: v for k, v in (overrides or {}).items() if v is not None}
    return HubConfig.model_validate(Loaded(**flags).model_dump())


def explain(
    error: ValidationError, file: Path | None = None, environ: Mapping[str, str] | None = None
) -> list[str]:
    """One line per bad setting, naming where it came from and the value it had."""
    env = os.environ if environ is None else environ
    lines = []
    for problem in error.errors(include_url=False):
        name = str(problem["loc"][0]) if problem["loc"] else "?"
        variable = ENV_PREFIX + name.upper()
        if variable in env:
            where = variable
        elif file is not None:
            where = f"{name} (in {file})"
        else:
            where = name
        if problem["type"] == "extra_forbidden":
            lines.append(f"{where}: no such setting (docs/admin.md lists them)")
        else:
            reason = problem["msg"][:1].lower() + problem["msg"][1:]
            lines.append(f"{where} = {problem['input']!r}: {reason}")
    return lines
