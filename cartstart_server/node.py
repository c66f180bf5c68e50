"""What a node uses, said once at start (the log) and always (`/metrics`): the database, the
broker and the listeners, with every password masked."""

from __future__ import annotations

from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit

from .config import HubConfig

HIDDEN = "***"


def masked(url: str) -> str:
    """`url` with its password (if any) replaced by ***; the rest as given. A URL that does not
    parse is shown by its scheme alone: it may hold a password where we cannot see it."""
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError for a malformed port
    except ValueError:
        return url.split(":", 1)[0] + "://" + HIDDEN
    query = parts.query
    if "password" in query:  # libpq also takes ?password=...
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode([(k, HIDDEN if k == "password" else v) for k, v in pairs], safe="*/")
    if parts.password is None:
        return _joined(parts, parts.netloc, query)
    user = parts.username or ""
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{user}:{HIDDEN}@{host}" + (f":{parts.port}" if parts.port is not None else "")
    return _joined(parts, netloc, query)


def _joined(parts: SplitResult, netloc: str, query: str) -> str:
    # Not SplitResult.geturl(): it turns postgresql:///db (a local socket) into postgresql:/db.
    return f"{parts.scheme}://{netloc}{parts.path}" + (f"?{query}" if query else "")


def describe(config: HubConfig, ports: tuple[int, int], urls: tuple[str, str]) -> dict[str, str]:
    """The node's set-up as labels: `cartstart_node_info` in /metrics and the start-up line."""
    if config.database_url:
        database, database_at = "postgresql", masked(config.database_url)
    else:
        database, database_at = "sqlite", str(config.database_path)
    if config.redis_url:
        broker, broker_at = "redis", masked(config.redis_url)
    else:
        broker, broker_at = "memory", "this process only"
    return {
        "database": database,
        "database_at": database_at,
        "broker": broker,
        "broker_at": broker_at,
        "redis_prefix": config.redis_prefix if config.redis_url else "",
        "http_listen": _address(config.host, ports[0]),
        "ws_listen": _address(config.host, ports[1]),
        "http_url": urls[0],
        "ws_url": urls[1],
    }


def _address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def startup_line(info: dict[str, str]) -> str:
    prefix = f" (prefix {info['redis_prefix']})" if info["redis_prefix"] else ""
    return (
        f"hub node: database {info['database']} {info['database_at']}; "
        f"broker {info['broker']} {info['broker_at']}{prefix}; "
        f"listening on {info['http_listen']} (HTTP) and {info['ws_listen']} (WebSocket); "
        f"clients told {info['http_url']} and {info['ws_url']}"
    )
