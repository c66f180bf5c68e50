"""Fan-out between the parts of a hub (and, with Redis, between hub nodes)."""
