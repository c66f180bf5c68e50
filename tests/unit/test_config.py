from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from cartstart_server.config import load_config


def test_file_then_environment_then_flags(tmp_path: Path) -> None:
    toml = tmp_path / "hub.toml"
    toml.write_text('port = 9000\nhost = "0.0.0.0"\ndefault_ticket_ttl = 300\n')
    env = {"CARTSTART_PORT": "9100", "CARTSTART_LOG_FORMAT": "text", "UNRELATED": "x"}
    config = load_config(toml, env, {"host": "127.0.0.2", "ws_port": None})
    assert config.port == 9100  # env beats the file
    assert config.host == "127.0.0.2"  # a flag beats both
    assert config.default_ticket_ttl == 300  # from the file
    assert config.log_format == "text"
    assert config.effective_ws_port() == 9101


def test_bad_settings_are_refused(tmp_path: Path) -> None:
    toml = tmp_path / "hub.toml"
    toml.write_text("prot = 9000\n")  # a typo
    with pytest.raises(ValidationError):
        load_config(toml, {})
    with pytest.raises(ValidationError):
        load_config(None, {"CARTSTART_PORT": "not a port"})


def test_connection_cap_stays_below_the_open_files_limit() -> None:
    import resource

    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    assert load_config(None, {}).effective_max_connections() < soft
