"""Prometheus metrics of one hub (its own registry, so several hubs can live in one process)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest


class HubMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.connections = Gauge(
            "cartstart_connections",
            "Open WebSocket connections",
            ["channel"],
            registry=self.registry,
        )
        self.tickets = Gauge(
            "cartstart_tickets", "Tickets by state", ["state"], registry=self.registry
        )
        self.outbox_depth = Gauge(
            "cartstart_outbox_depth", "Messages stored and not yet acked", registry=self.registry
        )
        self.reservations = Counter(
            "cartstart_reservations",
            "Reserve attempts by outcome",
            ["outcome"],
            registry=self.registry,
        )
        self.expiries = Counter("cartstart_expiries", "Tickets expired", registry=self.registry)
        self.revocations = Counter(
            "cartstart_revocations",
            "Tickets revoked or shrunk by a stock push",
            registry=self.registry,
        )
        self.commands = Counter(
            "cartstart_commands", "Commands handled", ["channel", "type"], registry=self.registry
        )
        self.rejected = Counter(
            "cartstart_rejected_messages",
            "Messages answered with an error",
            ["channel", "code"],
            registry=self.registry,
        )
        self.orders = Counter("cartstart_orders", "Orders placed", registry=self.registry)
        self.deliveries = Counter(
            "cartstart_outbound",
            "Webhook POSTs and emails by kind and outcome",
            ["kind", "outcome"],
            registry=self.registry,
        )
        self.broker_failures = Counter(
            "cartstart_broker_publish_failures",
            "Committed changes the broker could not publish (clients catch up from the database)",
            registry=self.registry,
        )
        self.refused = Counter(
            "cartstart_refused_connections",
            "Connections refused",
            ["reason"],
            registry=self.registry,
        )

        self.visit_rows = Counter(
            "cartstart_visit_rows",
            "Presence history rows written in batches, by table (pages, visitors)",
            ["table"],
            registry=self.registry,
        )
        self.visit_flush_failures = Counter(
            "cartstart_visit_flush_failures",
            "Presence history batches the database refused (their rows wait for the next)",
            registry=self.registry,
        )
        self.visit_rows_dropped = Counter(
            "cartstart_visit_rows_dropped",
            "Presence history rows given up after the database refused them too long",
            registry=self.registry,
        )
        self.visit_rows_purged = Counter(
            "cartstart_visit_rows_purged",
            "Page views deleted past their store's retention period",
            registry=self.registry,
        )

        self.presence_reports = Counter(
            "cartstart_presence_reports",
            "Presence reports (page beats and page changes) taken into the visitor list",
            registry=self.registry,
        )
        self.presence_told = Counter(
            "cartstart_presence_told",
            "Visitor changes published to desks (in coalesced visitors_changed frames)",
            registry=self.registry,
        )

        self.availability_heard = Counter(
            "cartstart_availability_changes",
            "Availability changes this node heard from the broker (each commit's count, once)",
            registry=self.registry,
        )
        self.fanout_frames = Counter(
            "cartstart_fanout_frames",
            "Counts the fan-out sent after coalescing: frames written to sockets, long-polls woken",
            ["to"],
            registry=self.registry,
        )

    def render(self) -> bytes:
        return generate_latest(self.registry)
