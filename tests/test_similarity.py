"""Copied text (R15): parts compared with last year's report and with other units' reports."""

from __future__ import annotations

import json
import random
import subprocess
import sys

from rapidfuzz import fuzz

from tui_report.model.copiedrule import copied_text_rule
from tui_report.model.report import Report
from tui_report.model.similarity import (
    compared_part,
    folder_copied_text,
    may_be_alike,
    normalise_text,
    part_similarity,
    similar_pairs,
)
from tui_report.storage.reportfile import load_report, save_report


def test_copied_part_five_is_a_warning_naming_last_year(dama_path):
    this_year = load_report(dama_path)
    last_year = this_year.model_copy(deep=True)
    last_year.year -= 1
    # The same text with the year changed and a few words edited is still a copy.
    last_year.texts["problems.main"] = (
        this_year.texts["problems.main"].replace("2021", "2020").replace("进一步", "更加")
    )
    for key in last_year.texts:
        if key != "problems.main":
            last_year.texts[key] = (
                "今年我们做了完全不同的工作，内容与本年报告没有关系，字数也足够参与比较的。"
            )
    findings = folder_copied_text([this_year, last_year])[0]  # as check and review run it
    assert [f.rule for f in findings] == ["R15"]
    finding = findings[0]
    assert finding.severity == "warning"
    assert finding.message.startswith("与上年报告第五部分相似度")
    percent = int(finding.message.split("相似度")[1].split("%")[0])
    assert copied_text_rule().threshold <= percent < 100
    assert [loc.path for loc in finding.locations] == ["texts.problems.main"]


def test_different_texts_and_short_texts_are_not_flagged(dama_path, full_path):
    dama, full = load_report(dama_path), load_report(full_path)
    assert folder_copied_text([dama, full])[0] == []
    other = dama.model_copy(deep=True)
    other.unit = "另一个乡人民政府"
    for key in other.texts:
        other.texts[key] = "无" if key == "other.main" else other.texts[key]
    # "无" is shorter than min_chars: never a copy; the long parts are identical: copies.
    findings = folder_copied_text([dama, other])[0]
    keys = {f.locations[0].text for f in findings}
    assert "other.main" not in keys and "problems.main" in keys
    assert all("另一个乡人民政府2021年报告" in f.message for f in findings)


def test_normalised_text_ignores_spaces_punctuation_and_width():
    assert normalise_text("一、 我们（１２３）,做了。\n工作 ") == normalise_text("一我们123做了工作")


def test_similar_pairs_prefilter_never_misses_a_pair():
    texts = ["甲乙丙丁" * 30, "甲乙丙丁" * 29 + "戊己庚辛", "天地玄黄宇宙洪荒" * 15, "甲乙丙丁" * 30]
    pairs = {(a, b) for a, b, _ in similar_pairs(texts, 80)}
    assert pairs == {(0, 1), (0, 3), (1, 3)}


def _folder(n: int, dama) -> list[Report]:
    reports = []
    for i in range(n):
        report = dama.model_copy(deep=True)
        report.unit = f"第{i}号单位"
        # Each unit's texts differ: the characters of the example, rotated by the unit's number.
        report.texts = {
            k: v[i * 7 % max(len(v), 1) :] + v[: i * 7 % max(len(v), 1)] + f"编号{i}" * (i % 5)
            for k, v in dama.texts.items()
        }
        reports.append(report)
    return reports


def test_folder_pass_finds_the_copy_among_many(dama_path):
    dama = load_report(dama_path)
    reports = _folder(20, dama)
    reports[3].texts["overview.platform"] = reports[11].texts["overview.platform"]
    by_report = folder_copied_text(reports)
    flagged = {i: [f.message for f in fs if "平台建设" in f.message] for i, fs in enumerate(by_report)}
    assert flagged[3] and "第11号单位" in flagged[3][0]
    assert flagged[11] and "第3号单位" in flagged[11][0]


def test_check_compares_with_the_folder(tmp_path, dama_path):
    this_year = load_report(dama_path)
    last_year = this_year.model_copy(deep=True)
    last_year.year -= 1
    save_report(this_year, tmp_path / "2021.toml")
    save_report(last_year, tmp_path / "2020.toml")
    result = subprocess.run(
        [sys.executable, "-m", "tui_report", "check", "--json", str(tmp_path / "2021.toml")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    record = json.loads(result.stdout)
    messages = [f["message"] for f in record["findings"] if f["rule"] == "R15"]
    assert any(m.startswith("与上年报告第五部分相似度100%") for m in messages)


def test_one_warning_per_part_however_many_copies(dama_path):
    dama = load_report(dama_path)
    reports = []
    for i in range(5):
        report = dama.model_copy(deep=True)
        report.unit = f"第{i}号单位"
        reports.append(report)
    findings = folder_copied_text(reports)[0]
    parts = [f.locations[0].text for f in findings]
    assert len(parts) == len(set(parts))  # one per part, not one per other report
    assert all("另有3份报告相似度也在80%以上" in f.message for f in findings)


# ---------------------------------------------------------------------- hostile lengths (#20 item 7)


def _long_text(seed: int, length: int) -> str:
    rng = random.Random(seed)
    return "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(length))


def test_a_long_part_is_compared_by_its_bounded_beginning_and_end(dama_path, monkeypatch):
    """The ratio costs the product of the lengths: never more than ``compared_chars`` of a part."""
    limit = copied_text_rule().compared_chars
    compared: list[int] = []
    real_ratio = fuzz.ratio

    def recording(a, b, **kwargs):  # type: ignore[no-untyped-def]
        compared.append(max(len(a), len(b)))
        return real_ratio(a, b, **kwargs)

    monkeypatch.setattr(fuzz, "ratio", recording)
    dama = load_report(dama_path)
    first, second = dama.model_copy(deep=True), dama.model_copy(deep=True)
    second.unit = "另一个乡人民政府"
    for n, key in enumerate(first.texts):
        first.texts[key] = _long_text(n, 150_000)
        second.texts[key] = first.texts[key][:-10] + "本单位自己写的结尾。"  # a copy
    findings = folder_copied_text([first, second])
    assert compared and max(compared) <= limit, max(compared)
    assert {f.locations[0].text for f in findings[0]} == set(first.texts)  # every copy still found
    assert all("另一个乡人民政府" in f.message for f in findings[0])


def test_alike_ends_of_texts_of_very_different_lengths_are_no_copy():
    """Only the beginning and end of long parts are compared, but a part whose length alone keeps
    it below the threshold (ratio ≤ 2·min/(a+b)) is never taken for a copy."""
    limit = copied_text_rule().compared_chars
    short = _long_text(1, 3 * limit)
    padded = short[:limit] + _long_text(2, 10 * limit) + short[-limit:]
    a, b = compared_part(short, limit), compared_part(padded, limit)
    assert a.text == b.text and not may_be_alike(a.length, b.length, 80)
    assert part_similarity(a, b, 80) == 0
    assert part_similarity(a, compared_part(short[:-5] + "改写的结尾", limit), 80) >= 99


def test_check_beside_a_report_with_huge_parts_finishes(tmp_path, dama_path):
    """Issue #20: two reports with eight 150,000-character parts took 37 s (here > 90 s) to check."""
    dama = load_report(dama_path)
    for n, name in enumerate(("甲乡", "乙乡")):
        report = dama.model_copy(deep=True)
        report.unit = f"{name}人民政府"
        report.texts = {key: _long_text(10 * n + i, 150_000) for i, key in enumerate(report.texts)}
        save_report(report, tmp_path / f"{name}.toml")
    result = subprocess.run(
        [sys.executable, "-m", "tui_report", "check", str(tmp_path / "乙乡.toml")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stdout + result.stderr
