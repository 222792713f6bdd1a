"""Chinese line breaking for a text box: break offsets that keep every character (model/linebreak)."""

from __future__ import annotations

from pathlib import Path

from tui_report.model.linebreak import NO_LINE_END, NO_LINE_START, break_offsets, cells, wrap
from tui_report.storage.reportfile import load_report

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def lines_of(text: str, width: int) -> list[str]:
    offsets = break_offsets(text, width)
    return [text[a:b] for a, b in zip([0, *offsets], [*offsets, len(text)], strict=True)]


def test_no_line_starts_with_closing_punctuation_and_every_character_is_kept() -> None:
    report = load_report(EXAMPLES / "full-2024.toml")
    paragraphs = [p for text in report.texts.values() for p in text.split("\n") if p]
    assert paragraphs
    for width in (20, 33, 41, 58, 77):
        for paragraph in paragraphs:
            lines = lines_of(paragraph, width)
            assert "".join(lines) == paragraph
            for line in lines:
                assert cells(line) <= width, (width, line)
            for line in lines[1:]:
                assert line[0] not in NO_LINE_START, (width, line)
            for line in lines[:-1]:
                assert line[-1] not in NO_LINE_END, (width, line)


def test_the_same_lines_as_wrap_for_text_without_spaces() -> None:
    text = "本年度共收到政府信息公开申请98件，其中自然人申请90件。法人或其他组织申请8件；上年结转2件。"
    for width in range(8, 40):
        assert lines_of(text, width) == wrap(text, width)


def test_spaces_stay_at_the_end_of_their_line_and_words_stay_whole() -> None:
    lines = lines_of("已恢复 1 处修改，请检查后保存（Ctrl+S）", 38)
    assert lines == ["已恢复 1 处修改，请检查后保存", "（Ctrl+S）"]
    assert lines_of("abc def", 4) == ["abc ", "def"]


def test_a_run_wider_than_the_line_is_folded() -> None:
    url = "http://www.example.gov.cn/col/col12345/index.html"
    lines = lines_of(url, 20)
    assert "".join(lines) == url and all(cells(line) <= 20 for line in lines)
