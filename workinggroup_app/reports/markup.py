"""Making stored text safe for one output: ReportLab paragraph markup.

Text is stored exactly as entered. ReportLab's ``Paragraph`` reads its input as markup:
``<img src=...>`` would open a local file, ``a<b`` raises, ``<b>`` changes the face and
``\\x00`` prints as a box (see docs/FINDINGS.md). Every user string passes through
``markup_escape`` before it reaches a ``Paragraph``; ``clean`` is for places that do not
read markup (table cells given as plain strings, PDF outline titles, chart labels).
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

# C0 and C1 controls except tab and newline, DEL, lone surrogates, non-characters and the
# bidirectional embedding/override/isolate controls (which can reorder what a reader sees).
_DROP = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u202a-\u202e\u2066-\u2069]"
)
_NEWLINES = re.compile("\r\n|\r|\u2028|\u2029|\x85")


def clean(text: object) -> str:
    """Text without control characters; every kind of line break becomes ``\\n``."""
    if text is None:
        return ""
    s = _NEWLINES.sub("\n", str(text))
    return _DROP.sub("", s).replace("\t", "    ")


def markup_escape(text: object) -> str:
    """Text ready for a ReportLab ``Paragraph``: cleaned, escaped, newlines as ``<br/>``.

    The result shows the user's characters literally: ``<img src='x'/>`` is printed,
    never interpreted.
    """
    return escape(clean(text)).replace("\n", "<br/>")
