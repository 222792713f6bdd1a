"""Import of Word, web and PDF reports: the circulated blank template filled in, the published
sample PDF, a Word document with a misprinted label and a merged （六） row."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal

import docx
import pytest

from tui_report.importers import ImportFailure, import_report
from tui_report.model.rules import check
from tui_report.storage.reportfile import load_report

from .helpers import PUBLISHED_PDF, as_printed, fill_blank_template


def _errors(report):
    return [f for f in check(report) if f.severity == "error"]


def test_blank_template_filled_in_word(tmp_path, full_path):
    full = load_report(full_path)
    source = fill_blank_template(full, tmp_path / "filled.docx")
    result = import_report(source)
    report = result.report
    assert (report.unit, report.year, report.template) == (full.unit, full.year, full.template)
    assert report.level == "city"  # guessed from the unit's name
    assert report.values == full.values
    for key, text in full.texts.items():
        assert report.texts.get(key) == as_printed(text), key
    assert result.notes == []
    assert _errors(report) == []


def test_published_sample_pdf_numbers_exact():
    result = import_report(PUBLISHED_PDF)
    report = result.report
    assert (report.unit, report.year, report.level) == ("淮安市人民政府", 2024, "city")
    assert report.template == "gov-info-disclosure-2021"
    cell = report.cell
    assert cell("proactive", "regulations.in_force") == 11
    assert cell("proactive", "normative.repealed") == 26
    assert cell("proactive", "licensing.decisions") == 447228
    assert cell("proactive", "penalty.decisions") == 3985758
    assert cell("proactive", "fees.amount") == Decimal("96171.6")
    assert cell("requests", "new.total") == 3119
    assert cell("requests", "new.legal_services") == 61
    assert cell("requests", "carried_over.total") == 34
    assert cell("requests", "results.withheld.query.natural") == 105
    assert cell("requests", "results.unavailable.not_held.total") == 769
    assert cell("requests", "results.other_handling.no_correction.total") == 71
    assert cell("requests", "results.other_handling.other.natural") == 108
    assert cell("requests", "results.total.total") == 3050
    assert cell("requests", "carry_forward.natural") == 103
    assert cell("appeals", "count.review.total") == 351
    assert cell("appeals", "count.direct.total") == 26
    assert cell("appeals", "count.after_review.pending") == 6
    assert result.notes == []
    assert _errors(report) == []
    assert report.texts["other.main"].endswith("全年收取政府信息公开信息处理费3940元。")
    assert report.texts["overview.on_request"].startswith("定期对政府信息公开申请集中的领域")
    assert "统计期限" in report.preamble["period"]


def _word_report(full, path, misprint: str, merge_other_handling: bool):
    """A Word document as a unit makes it: label columns merged, a misprinted label, （六） as one row."""
    document = docx.Document()
    document.add_paragraph(full.title)
    for section in full.tpl.sections:
        document.add_paragraph(section.heading)
        for part in section.texts:
            text = as_printed(full.texts.get(f"{section.key}.{part.key}", ""))
            for i, line in enumerate(text.splitlines()):
                document.add_paragraph((f"{part.heading}。" if part.heading and i == 0 else "") + line)
        for key in section.tables:
            table = full.tpl.table(key)
            depth = max(len(r.labels) for r in table.rows)
            width = max(len(table.cols_of(r)) for r in table.rows)
            rows = []
            for leaf in table.rows:
                # A total as printed: the unit's own figure where the file keeps one, else the sum.
                values = [
                    full.entered(key, f"{leaf.id}.{c.id}") or full.cell(key, f"{leaf.id}.{c.id}")
                    for c in table.cols_of(leaf)
                ]
                labels = list(leaf.labels) or [""]
                if merge_other_handling and leaf.id.startswith("results.other_handling."):
                    if not leaf.id.endswith(".other"):
                        continue
                    labels = labels[:-1]
                    values = [
                        sum(
                            full.cell(key, f"results.other_handling.{s}.{c.id}")
                            for s in ("no_correction", "fee_unpaid", "other")
                        )
                        for c in table.cols_of(leaf)
                    ]
                rows.append(([misprint if x == "2.其他法律行政法规禁止公开" else x for x in labels], values))
            word = document.add_table(rows=len(rows), cols=depth + width)
            for r, (labels, values) in enumerate(rows):
                for i, label in enumerate(labels):
                    word.cell(r, i).text = label.replace("（", "\u3000（", 1)  # full-width space as typed
                if len(labels) < depth:
                    word.cell(r, len(labels) - 1).merge(word.cell(r, depth - 1))
                for j, value in enumerate(values):
                    word.cell(r, depth + j).text = "" if value is None else str(value)
    document.save(str(path))
    return path


def test_misprinted_label_and_merged_other_handling_row(tmp_path, full_path):
    full = load_report(full_path)
    source = _word_report(full, tmp_path / "unit.docx", "2.其他法律行政止公开", merge_other_handling=True)
    result = import_report(source)
    report = result.report
    messages = " ".join(n.message for n in result.notes)
    assert "“2.其他法律行政止公开”按“2.其他法律行政法规禁止公开”读入" in messages
    assert "（六）其他处理”只印了一行" in messages and "3.其他" in messages
    assert report.cell("requests", "results.withheld.prohibited.natural") == full.cell(
        "requests", "results.withheld.prohibited.natural"
    )
    for col in ("natural", "total"):
        assert report.cell("requests", f"results.other_handling.other.{col}") == sum(
            full.cell("requests", f"results.other_handling.{s}.{col}") or 0
            for s in ("no_correction", "fee_unpaid", "other")
        )
        assert report.cell("requests", f"results.total.{col}") == full.cell(
            "requests", f"results.total.{col}"
        )
    assert _errors(report) == []


def test_wrong_published_total_is_kept_for_the_checks(tmp_path, full_path):
    full = load_report(full_path)
    full.values["requests"]["new.total"] = 9999  # the unit's sum was wrong in print
    source = _word_report(
        full, tmp_path / "wrong.docx", "2.其他法律行政法规禁止公开", merge_other_handling=False
    )
    report = import_report(source).report
    assert report.entered("requests", "new.total") == 9999
    assert any(f.rule == "R3" and "9999" in f.message for f in check(report))


def test_not_a_report_exits_2_in_chinese(tmp_path):
    page = tmp_path / "news.html"
    page.write_text(
        "<html><body><p>今天天气很好。</p><table><tr><td>甲</td><td>1</td></tr></table></body></html>",
        encoding="utf-8",
    )
    with pytest.raises(ImportFailure, match="不是可识别的政府信息公开工作年度报告"):
        import_report(page)
    result = subprocess.run(
        [sys.executable, "-m", "tui_report", "import", str(page), "-o", str(tmp_path / "x.toml")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "不是可识别" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "x.toml").exists()
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ImportFailure):
        import_report(broken)
    fifo = tmp_path / "fifo.pdf"
    import os

    os.mkfifo(fifo)
    with pytest.raises(ImportFailure, match="不是普通文件"):
        import_report(fifo)


def test_import_command_and_check_of_a_document(tmp_path):
    out = tmp_path / "huaian.toml"
    result = subprocess.run(
        [sys.executable, "-m", "tui_report", "import", str(PUBLISHED_PDF), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "淮安市人民政府2024年政府信息公开工作年度报告" in result.stdout
    assert load_report(out).cell("requests", "new.total") == 3119
    checked = subprocess.run(
        [sys.executable, "-m", "tui_report", "check", "--json", str(PUBLISHED_PDF)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert checked.returncode == 0
    assert '"errors": 0' in checked.stdout


def test_published_web_page(tmp_path, full_path):
    """A page as a CMS publishes it: GBK, text in <div>/<span>, cells with <p>s, &nbsp; for blanks."""
    import re

    from tui_report.export.office import export_document

    full = load_report(full_path)
    full.values["requests"].pop("new.research")  # a blank cell, printed as &nbsp;
    exported = tmp_path / "ours.html"
    export_document(full, exported, draft=True)
    html = exported.read_text(encoding="utf-8")
    html = html.replace("<td", "<td class=x").replace(
        '<meta charset="utf-8">', '<meta http-equiv="Content-Type" content="text/html; charset=gbk">'
    )
    html = re.sub(
        r"(<t[dh][^>]*>)([^<]*)(</t[dh]>)",
        lambda m: f"{m[1]}<p><span>{m[2] or '&nbsp;'}</span></p>{m[3]}",
        html,
    )
    html = html.replace("<p ", "<div ").replace("</p>\n", "</div>\n")
    page = tmp_path / "published.html"
    page.write_bytes(
        ("<html><body><div class=nav>首页 &gt; 政务公开</div>" + html + "</body></html>").encode(
            "gbk", errors="replace"
        )
    )
    report = import_report(page).report
    assert (report.unit, report.year) == (full.unit, full.year)
    assert report.entered("requests", "new.research") is None
    assert report.values == full.values
    assert report.texts["overview.on_request"] == as_printed(full.texts["overview.on_request"])


def test_pdf_tables_without_rules_read_from_the_lines(monkeypatch):
    """A PDF whose tables have no ruling lines (pdfplumber finds no table): rows come from the text
    lines, labels wrapped over two lines are joined, and the numbers still come out exact."""
    import pdfplumber.page

    ruled = import_report(PUBLISHED_PDF).report
    monkeypatch.setattr(pdfplumber.page.Page, "find_tables", lambda self, *a, **k: [])
    result = import_report(PUBLISHED_PDF)
    assert result.report.values == ruled.values
    assert result.report.texts == ruled.texts
    assert all("请核对" in n.message for n in result.notes)  # wrapped labels read with doubt, said so
    assert _errors(result.report) == []
