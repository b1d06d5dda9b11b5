"""People's names: one readable stored form, and a key to search by.

Names arrive typed on phones with Chinese input methods, pasted from spreadsheets and scanned
from ID cards, so the same name comes as ``王　芳`` (an ideographic space, U+3000, that an input
method puts between the family and given names), ``王 芳``, ``王芳``; and a foreign worker's as
``ＳＭＩＴＨ Ｊｏｈｎ`` (full-width Latin) or ``Smith  John``.

- ``normalize_name`` is what is stored and shown: NFKC (full-width letters and digits folded to
  their ordinary forms, the ideographic space to a plain one), every run of white space collapsed
  to one space, and no space left next to a Chinese character (``王 芳`` → ``王芳``), while a Latin
  name keeps its single spaces (``Smith John``). The letters' case is kept.
- ``name_search_key`` is what searches compare: the normalised name case-folded, so ``smith``
  finds ``SMITH`` and ``ＳＭＩＴＨ``. A query goes through the same function, so ``王 芳`` finds
  ``王芳``.
"""

from __future__ import annotations

import re
import unicodedata

# CJK ideographs (the unified block, extension A and the compatibility ideographs), the kana
# and Hangul syllables: scripts that write a name without spaces between its parts.
_CJK = (
    "\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u3190-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
)
_SPACE_NEXT_TO_CJK = re.compile(rf"(?<=[{_CJK}·]) | (?=[{_CJK}·])")
# The middle dot of transliterated names (阿卜杜拉·艾力) in its usual look-alikes.
_NOT_PLAIN = re.compile(r"\s|[•‧・･]")
_MIDDLE_DOTS = str.maketrans({"•": "·", "‧": "·", "・": "·", "･": "·", "．": "·"})


def normalize_name(value: object) -> str:
    """A name as stored and shown: NFKC, spaces collapsed, none beside a Chinese character."""
    text = value if isinstance(value, str) else str(value or "")
    # The common case (a roster of a hundred thousand names): already clean, returned as is.
    if unicodedata.is_normalized("NFKC", text) and not _NOT_PLAIN.search(text):
        return text
    text = unicodedata.normalize("NFKC", text)
    text = " ".join(text.split())
    return _SPACE_NEXT_TO_CJK.sub("", text.translate(_MIDDLE_DOTS))


def name_search_key(value: object) -> str:
    """What a name search compares: the normalised name, case-folded."""
    return normalize_name(value).casefold()
