"""Free text from people (titles, comments, forms' labels and values) as the database keeps it
and an email can carry it."""

from __future__ import annotations

import re

# One line: no control characters (C0, DEL, C1) and no line or paragraph separators, which in
# an email would start a header or fake a paragraph. Several lines keep \n, \r and \t.
_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
_OTHER_BREAKS = re.compile(r"[\x85\u2028\u2029]")


def storable(text: str) -> str:
    """`text` as both databases can keep it: NUL (which PostgreSQL's text refuses, failing the
    whole write) becomes U+FFFD. Everything else is kept as given; escaping is the UI's job."""
    return text.replace("\x00", "\ufffd") if "\x00" in text else text


def is_plain(text: str, *, multiline: bool = False) -> bool:
    """Whether `text` is plain text that can be stored and emailed: every character encodable
    (JSON may carry lone surrogates, `"\\ud800"`, which are no characters at all) and no control
    characters (with `multiline`, line breaks and tabs are fine)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return not (_LINES if multiline else _ONE_LINE).search(text)


def unified_lines(text: str) -> str:
    """Line breaks of other kinds (U+0085, U+2028, U+2029) as \\n, for text of several lines."""
    return _OTHER_BREAKS.sub("\n", text)


def shown(text: str) -> str:
    """`text` safe to quote in an error message (anything not encodable replaced)."""
    return text.encode("utf-8", "replace").decode("utf-8")
