"""A change in one line shows where the two texts differ (recovery and outside-change dialogs)."""

from __future__ import annotations

from tui_report.model.diff import FieldChange, difference_excerpts

OPENING = "2025年，全区上下坚持以新时代中国特色社会主义思想为指导，政务公开工作取得一定成效，"


def test_long_texts_show_their_first_difference_with_context_not_their_common_beginning() -> None:
    old = OPENING + "在此基础上继续推进。"
    new = OPENING + "新的一年将继续推进。"
    change = FieldChange("texts.overview.summary", "正文“总体情况”", old, new)
    line = change.line(24)
    before, after = line.removeprefix("正文“总体情况”：").split(" → ")
    assert before != after
    assert "在此基础上" in before and "新的一年" in after
    # A little of what precedes the difference says where it is.
    assert before.startswith("…") and "成效，" in before and "成效，" in after
    assert len(before) <= 24 and len(after) <= 24
    assert "2025年" not in line  # the identical beginning is not what is shown


def test_short_texts_are_shown_whole() -> None:
    assert difference_excerpts("无", "本年未收到申请。", 24) == ("无", "本年未收到申请。")
    assert FieldChange("k", "联系电话", "", "0371-1").line() == "联系电话：（空） → 0371-1"


def test_a_text_added_at_the_end_shows_the_end_and_the_addition() -> None:
    old, new = difference_excerpts(OPENING, OPENING + "新增一句话。", 20)
    assert old.startswith("…") and old.endswith("成效，")
    assert new.startswith("…") and "新增" in new


def test_a_number_is_never_shown_cut() -> None:
    old, new = difference_excerpts(
        "本年共收到申请件数合计为1234567件，其余结转下年",
        "本年共收到申请件数合计为1234568件，其余结转下年",
        12,
    )
    assert "1234567" in old and "1234568" in new


def test_a_difference_at_the_start_shows_the_start() -> None:
    old, new = difference_excerpts("甲" + OPENING, "乙" + OPENING, 16)
    assert old.startswith("甲2025年") and new.startswith("乙2025年")
    assert old.endswith("…") and len(old) <= 16
