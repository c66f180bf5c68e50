"""The ledger and outboxes: plans (SQL, no I/O) and the drivers that run them."""
