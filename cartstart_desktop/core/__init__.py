"""The desktop cart without a UI: state, storage, connection, credentials. No Qt import here."""
