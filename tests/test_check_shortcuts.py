"""The shortcuts that make checking a report cheap (the review desk checks hundreds at once) give
exactly what the plain way gives: the words a pattern requires, the table values computed at once,
the equations worked out once per rule."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from tui_report.model.report import CellValue, Report, cell_value, table_values_of
from tui_report.model.rules import _equation, check
from tui_report.model.template import Rule, could_match, get_template, required_words, rule_regex

TEMPLATES = ("gov-info-disclosure-2021", "gov-info-disclosure-2019")


def _schema_patterns() -> list[str]:
    return sorted(
        {
            p
            for tid in TEMPLATES
            for table in get_template(tid).tables
            for rule in table.rules
            for p in rule.patterns
        }
    )


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        (
            r"(新收|收到|受理)[^。；，,0-9０-９]{0,12}?申请\s{0,3}(?P<n>[0-9０-９]{1,12})\s{0,3}件",
            ("申请", "件"),
        ),
        (r"(?<!不)予以公开(的|申请)?\s{0,3}(?P<n>[0-9]{1,12})件", ("予以公开", "件")),
        ("(发生|收到)?政府信息公开(类)?行政复议", ("政府信息公开", "行政复议")),
        ("ab?c", ("a", "c")),  # b may be absent
        ("ab*c", ("a", "c")),
        ("ab+c", ("ab", "c")),
        ("ab{0,3}c", ("a", "c")),
        (r"a\.b", ("a", "b")),  # an escaped character is left out, not joined
        ("[]收]费", ("费",)),  # a class with a leading ] is skipped whole
        ("(收费|费用)", ()),  # nothing outside the group
        ("收费|免费", ()),  # alternatives at the top: no word is required
        (r"\x41费", ()),  # a numbered escape: its characters are no literal
        (r"(收)\1费", ()),
        ("(?i)fee", ()),  # flags that change what a character matches
        ("(?x)收 费", ()),
    ],
)
def test_required_words(pattern: str, words: tuple[str, ...]):
    assert required_words(pattern) == words


def _texts(rng: random.Random) -> list[str]:
    """Texts that quote what the rules look for, in pieces and whole."""
    pieces = [
        "新收申请",
        "收到政府信息公开申请",
        "予以公开",
        "不予公开",
        "上年结转",
        "办理完结",
        "结转下年度继续办理",
        "政府信息公开行政复议",
        "政府信息公开类行政诉讼案件共",
        "规范性文件",
        "不收费",
        "未收取",
        "费用",
        "无",
        "12",
        "１２",
        " ",
        "件",
        "，",
        "。",
        "\n",
    ]
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))) for _ in range(3000)]


def test_a_text_without_a_required_word_never_matches():
    rng = random.Random(7)
    texts = _texts(rng)
    patterns = _schema_patterns()
    assert any(required_words(p) for p in patterns)
    matched = 0
    for pattern in patterns:
        for text in texts:
            found = rule_regex(pattern).search(text)
            if found is not None:
                matched += 1
                assert could_match(pattern, text), (pattern, text)
                assert all(word in found.group(0) for word in required_words(pattern)), (pattern, text)
    assert matched > 100  # the texts do quote what the patterns look for


def test_table_values_are_cell_values(full: Report):
    rng = random.Random(3)
    template = full.tpl
    choices: list[CellValue] = [0, 7, Decimal("1.5"), -2]
    for _ in range(20):
        for key, table in template.compiled.items():
            entered = dict(full.values.get(key, {}))
            for cell_id in rng.sample(table.order, k=min(30, len(table.order))):
                entered[cell_id] = rng.choice(choices)  # stored totals too
            for cell_id in rng.sample(list(entered), k=len(entered) // 3):
                del entered[cell_id]
            expected = {c: cell_value(table, entered, table.cells[c]) for c in table.order}
            shown = table_values_of(table, entered)
            assert list(shown.items()) == list(expected.items())
            assert [type(v) for v in shown.values()] == [type(v) for v in expected.values()]


def test_an_equation_rule_of_its_own_is_worked_out_for_itself(full: Report):
    """The equations are worked out once per rule and kept in the table: a rule made elsewhere
    (another one, possibly at the same address once the first is gone) gets its own cells."""
    table = full.tpl.table("requests")
    values = table_values_of(table, full.values["requests"])
    values["new.natural"] = 99_999
    for row, differs in (("new", False), ("carried_over", True), ("new", False), ("carried_over", True)):
        rule = Rule(id="X", kind="equation", message="{col}", per="column", left=[row], right=["new"])
        found = _equation(rule, table, values, None)
        assert ("自然人" in [f.message for f in found]) is differs
        del rule, found


def test_check_twice_is_the_same(full: Report):
    full.set_cell("requests", "new.natural", 5)
    full.texts["overview.on_request"] = "本年度新收申请3件，予以公开1件。"
    assert check(full) == check(full)
