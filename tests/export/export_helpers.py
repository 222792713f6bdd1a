"""Helpers shared by the export tests: example reports and exporting to bytes."""

from __future__ import annotations

from pathlib import Path

from tui_report.export.office import export_document
from tui_report.model.report import Report, new_report
from tui_report.storage.reportfile import load_report

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def export_docx(report: Report, tmp: Path, draft: bool = False, name: str = "out.docx") -> bytes:
    path = tmp / name
    export_document(report, path, draft=draft)
    return path.read_bytes()


def report_2019() -> Report:
    """A 2019-format report with a distinct number in every input cell (row index * 10 + column)."""
    report = new_report(
        "某某县某某镇人民政府", 2020, level="township", template_id="gov-info-disclosure-2019"
    )
    for key, table in report.tpl.compiled.items():
        for n, cell_id in enumerate(table.input_cells()):
            report.set_cell(key, cell_id, n + 1)
    report.texts["overview.proactive"] = "全年主动公开政府信息56条。"
    return report


# A real district's address, long enough that no renderer fits it after "门户网站（" on one line.
LONG_ADDRESS = "http://www.hongze.gov.cn/hzqrmzf/zfxxgknb/list_zfxxgknb.shtml"


def long_address_report() -> Report:
    """full-2024 as 淮安市洪泽区人民政府, whose preamble names its site by a long web address (the
    line before it used to be spread: "淮 安 市 洪 泽 区 人 民 政 府 门 户 网 站 （http://…/") and
    whose contact paragraph ends with the phone number at the end of a line."""
    report = load_report(EXAMPLES / "full-2024.toml")
    report.unit = "淮安市洪泽区人民政府"
    for key, value in report.preamble.items():
        report.preamble[key] = value.replace("示例市", "淮安市洪泽区")
    report.preamble["published_at"] = (
        f"本报告电子版可在淮安市洪泽区人民政府门户网站（{LONG_ADDRESS}）查阅或下载。"
    )
    return report


def report_with_longer_part_one(sentences: int = 1) -> Report:
    """full-2024 with a paragraph more in 一、（五）, so that 表二 starts low on page 2: it used to
    break between its blocks there, leaving 第二十条第（八）项 alone on page 3."""
    report = load_report(EXAMPLES / "full-2024.toml")
    report.texts["overview.supervision"] += (
        "\n" + "加强政务公开工作队伍建设，开展业务培训，提升公开工作人员能力水平。" * sentences
    )
    return report
