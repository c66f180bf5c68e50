"""Free text from people (titles, comments) as the database keeps it."""

from __future__ import annotations


def storable(text: str) -> str:
    """`text` as both databases can keep it: NUL (which PostgreSQL's text refuses, failing the
    whole write) becomes U+FFFD. Everything else is kept as given; escaping is the UI's job."""
    return text.replace("\x00", "\ufffd") if "\x00" in text else text
