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


def test_a_bad_setting_is_named_with_its_source_and_value(tmp_path: Path) -> None:
    from cartstart_server.config import explain

    toml = tmp_path / "hub.toml"
    toml.write_text('prot = 9000\nlog_format = "xml"\n')
    env = {"CARTSTART_PORT": "eighty", "CARTSTART_HOME": "/home/x"}  # the desktop's, not ours
    with pytest.raises(ValidationError) as bad:
        load_config(toml, env)
    lines = sorted(explain(bad.value, toml, env))
    assert lines == [
        "CARTSTART_PORT = 'eighty': input should be a valid integer, unable to parse string "
        "as an integer",
        f"log_format (in {toml}) = 'xml': input should be 'json' or 'text'",
        f"prot (in {toml}): no such setting; did you mean port? (docs/admin.md lists them)",
    ]


def test_a_missing_config_file_is_an_error_not_defaults(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        load_config(tmp_path / "nowhere.toml", {})


def test_an_unknown_variable_is_refused_but_other_programs_variables_are_not() -> None:
    from cartstart_server.config import explain

    env = {"CARTSTART_REDIS_PERFIX": "x:", "CARTSTART_HOME": "/home/x", "CARTSTART_SHOTS": "d"}
    with pytest.raises(ValidationError) as bad:
        load_config(None, env)
    assert explain(bad.value, None, env) == [
        "CARTSTART_REDIS_PERFIX: no such setting; did you mean redis_prefix? "
        "(docs/admin.md lists them)"
    ]
    assert load_config(None, {"CARTSTART_HOME": "/home/x"}).port == 8740


def test_passwords_are_masked_wherever_a_url_holds_them() -> None:
    from cartstart_server.node import masked

    assert masked("postgresql://hub:pa%40ss@db:5432/cart") == "postgresql://hub:***@db:5432/cart"
    assert masked("redis://:pw@[::1]:6379/0") == "redis://:***@[::1]:6379/0"
    assert masked("postgresql:///cart?host=/run/pg&password=pw") == (
        "postgresql:///cart?host=/run/pg&password=***"
    )
    assert masked("redis://cache:6379/0") == "redis://cache:6379/0"
    assert masked("postgresql://u:p@db:notaport/x") == "postgresql://***"
