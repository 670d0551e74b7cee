"""Outlet names compared as the gold FORMAT.md compares them: one key for every stage.

>>> outlet_key("The New York Times'") == outlet_key("new york times")
True
>>> outlet_key("Süddeutsche Zeitung"), outlet_key("الجزيرة")
('süddeutschezeitung', 'الجزيرة')
"""

from __future__ import annotations

import re
import unicodedata

_LEADING_THE = re.compile(r"^the\s+")
_NOT_ASCII_ALNUM = re.compile(r"[^a-z0-9]+")
_SCHEME = re.compile(r"^[a-z]+://")


def outlet_key(name: str) -> str:
    """The comparison key of an outlet name: case folded, no leading "the", letters and digits only.

    Letters and digits of every script are kept (with their combining marks),
    so names in other alphabets stay apart.
    """
    folded = _LEADING_THE.sub("", name.strip().casefold())
    if folded.isascii():
        return _NOT_ASCII_ALNUM.sub("", folded)
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LMN")


def domain_key(domain: str) -> str:
    """``https://www.CNN.com/x`` -> ``cnn.com``."""
    host = _SCHEME.sub("", domain.strip().casefold()).split("/")[0].split(":")[0]
    return host[4:] if host.startswith("www.") else host
