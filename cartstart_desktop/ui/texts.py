"""Showing anyone's text (a product's name, a buyer's note) as text: Qt reads a tooltip, and a
label in its default format, that looks like markup as markup."""

from __future__ import annotations

import html


def text_tip(text: str) -> str:
    """A tooltip showing `text` as written, line breaks kept."""
    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>"
