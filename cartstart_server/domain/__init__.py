"""Pure ledger rules: no I/O, no clock reads (time comes in as `now`)."""
