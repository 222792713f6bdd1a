"""Label text as printed vs as in the template: normalised for comparison."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NUMBERING = re.compile(r"^(\d+)[、．.]")
# "一．总体情况", "一. 总体情况" as printed for "一、总体情况".
_SECTION_NUMBERING = re.compile(r"^([一二三四五六七八九十]+)[．.，,]")
_DROP = re.compile(r"[\s\u3000\u00a0]+")
_VALUE = re.compile(r"^[+-]?\d+(\.\d+)?$")
# A unit word after a number ("251000元"); alone ("项" split off a wrapped label) it is not a number.
_UNIT_SUFFIX = re.compile(r"(?<=\d)(件|条|个|项|次|万元|元)$")


def normalise_label(text: str) -> str:
    """Full-width folded, spaces and line breaks removed, ``1、`` read as ``1.``."""
    folded = _DROP.sub("", unicodedata.normalize("NFKC", text))
    return _SECTION_NUMBERING.sub(r"\1、", _NUMBERING.sub(r"\1.", folded))


@lru_cache(maxsize=4096)
def value_text(text: str) -> str:
    """A cell's text as a number would be written: folded, spaces and a unit word removed."""
    from tui_report.model.report import normalise_number_text

    cleaned = _DROP.sub("", normalise_number_text(text))
    return _UNIT_SUFFIX.sub("", cleaned)


@lru_cache(maxsize=4096)
def is_value(text: str) -> bool:
    """A number, a blank or a published "not filled" mark (/ - — 无)."""
    from tui_report.model.report import BLANK_MARKS

    cleaned = value_text(text)
    return cleaned in BLANK_MARKS or _VALUE.match(cleaned) is not None
