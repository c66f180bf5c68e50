"""The hub's use cases. Transports (WebSocket, HTTP, polling, the command line) authenticate,
parse and call in here; services run plans on the database and, once they are committed,
publish what changed. They return protocol views or typed results, never storage rows."""
