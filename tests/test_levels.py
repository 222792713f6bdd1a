"""Unit levels and severities: one table each in the model, read by the CLI, the app and the checks."""

from __future__ import annotations

from typing import get_args

import pytest

from tui_report.model.levels import LEVEL_LABELS, LEVEL_WORDS, UnitLevel, level_id
from tui_report.model.severities import SEVERITY_LABELS, SEVERITY_MARKS, SEVERITY_ORDER, Severity


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("province", "province"),
        ("省级", "province"),
        ("市级", "city"),
        ("设区的市级", "city"),
        ("县级", "county"),
        (" 县 ", "county"),
        ("County", "county"),
        ("乡镇", "township"),
        ("乡镇级", "township"),
        ("部门", "department"),
        ("村", None),
        ("", None),
    ],
)
def test_level_id_reads_english_ids_and_chinese_names(text: str, level: str | None) -> None:
    assert level_id(text) == level


def test_every_level_has_a_label_and_a_word() -> None:
    assert set(LEVEL_LABELS) == set(LEVEL_WORDS) == set(get_args(UnitLevel))


def test_every_severity_has_a_label_a_mark_and_an_order() -> None:
    assert set(SEVERITY_LABELS) == set(SEVERITY_MARKS) == set(SEVERITY_ORDER) == set(get_args(Severity))
    assert len(set(SEVERITY_MARKS.values())) == len(SEVERITY_MARKS)
    assert SEVERITY_ORDER["error"] < SEVERITY_ORDER["warning"] < SEVERITY_ORDER["info"]
