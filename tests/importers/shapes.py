"""Reports with the shapes real published reports take (#21, annual-report-format.md §7), built in
the test as Word, web and PDF documents: a zone whose 一 has "（一）基本情况 / （二）主要做法" and numbered
items, a commission with items right under 一 and a title "2024 年上海市科委…", a county bureau that
numbers its own text parts 一–六 and then its tables 一–三, a county with run-in sub-headings by area
and by deed and "五、存在的主要问题及整改措施", and a district's WPS-made PDF with page numbers, a running
header, （六）其他处理 printed as one row and labels spanning two cells.

Every body paragraph says which part it belongs in, so that a test can check the placement and
count the characters that went in and came out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm

from tui_report.model.report import Report, format_value
from tui_report.model.template import CompiledTable
from tui_report.storage.reportfile import load_report

from .helpers import EXAMPLES


@dataclass(frozen=True)
class P:
    """A body paragraph, the part it belongs in, and the text that part should keep of it (a
    run-in heading of the format's own is left out)."""

    text: str
    part: str
    kept: str = ""

    @property
    def expected(self) -> str:
        return self.kept or self.text


@dataclass(frozen=True)
class H:
    """A heading: structure, not body text."""

    text: str


@dataclass(frozen=True)
class T:
    """One of the report's tables."""

    key: str


@dataclass
class Shape:
    name: str
    title: list[str]
    preamble: list[str]
    body: list[P | H | T]
    signature: list[str]
    unit: str
    level: str | None  # None: the import cannot tell and must say so
    level_noted: bool = False
    # Tables as WPS prints them: a label spanning two cells is a label and a blank cell, （六）其他处理
    # one row without its sub-rows.
    wps: bool = False
    # A row whose value cells are printed without vertical rules between them (a PDF then has one
    # cell holding all its numbers: they are told apart by where they stand).
    borderless: str = ""
    page_number: str = "-{}-"  # the footer of the PDF: {} is the page number
    header: str = ""
    values: Report = field(default_factory=lambda: load_report(EXAMPLES / "full-2024.toml"))

    @property
    def paragraphs(self) -> list[P]:
        return [b for b in self.body if isinstance(b, P)]


_TABLES: list[P | H | T] = [
    H("二、主动公开政府信息情况"),
    T("proactive"),
    H("三、收到和处理政府信息公开申请情况"),
    T("requests"),
    H("四、政府信息公开行政复议、行政诉讼情况"),
    T("appeals"),
]


def zone() -> Shape:
    """A zone government: 一 with "（一）基本情况", "（二）主要做法" and numbered items (the second with
    (1)…(3) by field); the unit has no 人民政府; a signature block."""
    return Shape(
        "zone-subheaded",
        ["平潭综合实验区2023年政府信息公开工作年度报告"],
        [
            "本报告由平潭综合实验区管委会办公室根据《中华人民共和国政府信息公开条例》编制。本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。"
        ],
        [
            H("一、总体情况"),
            H("（一）基本情况"),
            P(
                "2023年，实验区认真贯彻落实《条例》，政府信息公开工作取得新成效，全年累计发布各类信息8600余条。",
                "overview.summary",
            ),
            H("（二）主要做法"),
            P(
                "1.加强组织领导，健全工作机制。成立政务公开工作领导小组，由分管领导任组长，定期研究部署工作。",
                "overview.supervision",
            ),
            P("2.把握工作重点，扎实推进信息公开。", "overview.proactive"),
            P(
                "（1）财政预决算信息。按时主动公开部门预决算和“三公”经费，主动公开率100%。",
                "overview.proactive",
            ),
            P(
                "（2）重点领域信息。围绕重大建设项目、公共资源配置等重点领域主动公开信息1200余条。",
                "overview.proactive",
            ),
            P("（3）政策解读。对出台的政策文件同步开展解读，发布政策解读材料56篇。", "overview.proactive"),
            P(
                "3.创新公开形式，拓展公开范围。通过政务新媒体、公开栏等多种形式发布信息，方便群众获取。",
                "overview.platform",
            ),
            *_TABLES,
            H("五、存在的主要问题及改进情况"),
            P("一是政策解读形式较为单一；二是部分单位信息更新不够及时。", "problems.main"),
            P("下一步，我们将丰富解读形式，加强督促检查，推动政务公开工作再上新台阶。", "problems.main"),
            H("六、其他需要报告的事项"),
            P("本年度发出收费通知6件，未实际收取信息处理费。", "other.main"),
        ],
        ["平潭综合实验区管理委员会", "2024年1月20日"],
        unit="平潭综合实验区",
        level="county",
        level_noted=True,
        page_number="-{}-",
    )


def commission() -> Shape:
    """A provincial commission: "2024 年上海市科委…" (a space after the year, a short name), items
    right under 一 after its opening paragraph."""
    return Shape(
        "commission-items",
        ["2024 年上海市科委政府信息公开工作年度报告"],
        [
            "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）规定，编制本报告。",
            "本报告中所列数据的统计期限自2024年1月1日起至2024年12月31日止。",
        ],
        [
            H("一、总体情况"),
            P("2024年，市科委坚持以人民为中心的发展思想，深入推进政务公开工作。", "overview.summary"),
            P("1.加强用权信息公开。全面公开科技计划项目立项、资金安排等信息。", "overview.proactive"),
            P("2.加强政策解读发布。围绕科技创新政策开展多形式解读，发布解读材料42篇。", "overview.proactive"),
            P("3.加强政务信息公开。及时发布科技工作动态和重要会议信息。", "overview.proactive"),
            P("4.认真办理依申请公开。全年共收到政府信息公开申请12件，均按时答复。", "overview.on_request"),
            P("5.加强平台建设。优化门户网站政务公开专栏，提升政务新媒体服务能力。", "overview.platform"),
            *_TABLES,
            H("五、存在的主要问题及改进情况"),
            P("政策解读的针对性还需增强。下一步将加强解读材料审核。", "problems.main"),
            H("六、其他需要报告的事项"),
            P("无。", "other.main"),
        ],
        ["上海市科学技术委员会", "2025年1月15日"],
        unit="上海市科委",
        level="department",
        page_number="— {} —",
    )


def bureau() -> Shape:
    """A county bureau numbering its own text parts 一–六, then the tables 一–三, then its problems
    as "（一）主要问题 / （二）改进情况" without a part heading, then "五、其他需要报告的事项"."""
    return Shape(
        "bureau-numbered",
        ["沭阳县发展和改革局", "2024年政府信息公开工作年度报告"],
        ["本报告由沭阳县发展和改革局根据《中华人民共和国政府信息公开条例》要求编制。"],
        [
            H("一、总体情况"),
            P("2024年，我局严格落实政府信息公开各项要求，各项工作有序推进。", "overview.summary"),
            H("二、工作机制保障"),
            P(
                "成立由局主要负责同志任组长的政务公开工作领导小组，明确专人负责，将政务公开纳入年度考核。",
                "overview.supervision",
            ),
            H("三、主动公开工作情况"),
            P(
                "全年通过县政府门户网站主动公开各类信息326条，其中发展规划、项目审批等重点领域信息158条。",
                "overview.proactive",
            ),
            H("四、政府信息公开申请情况"),
            P("全年共收到政府信息公开申请3件，均在法定期限内答复。", "overview.on_request"),
            H("五、政府信息管理"),
            P("严格执行公开前保密审查，及时更新政府信息公开指南和目录。", "overview.management"),
            H("六、政府信息公开平台建设"),
            P("依托县政府门户网站和“沭阳发改”微信公众号发布信息，做好栏目日常维护。", "overview.platform"),
            H("一、主动公开政府信息情况"),
            T("proactive"),
            H("二、收到和处理政府信息公开申请情况"),
            T("requests"),
            H("三、政府信息公开行政复议、行政诉讼情况"),
            T("appeals"),
            P("（一）主要问题", "problems.main"),
            P("信息公开的主动性和及时性还需加强，公开内容的深度有待提升。", "problems.main"),
            P("（二）改进情况", "problems.main"),
            P("进一步加强业务培训，建立信息发布审核台账。", "problems.main"),
            H("五、其他需要报告的事项"),
            P("本年度未收取信息处理费。", "other.main"),
        ],
        ["沭阳县发展和改革局", "2025年1月18日"],
        unit="沭阳县发展和改革局",
        level="department",
        page_number="第 {} 页",
    )


def county() -> Shape:
    """A county government: sub-headings run in by area ("（一）主动公开方面。…") and on their own line
    by deed ("（三）完善公开制度规范，加强政府信息管理"); "五、存在的主要问题及整改措施" with run-in (一)(二);
    "2024年度" in the title; part 六 on fees as R12 must read it."""
    return Shape(
        "county-areas",
        ["某某县人民政府2024年度政府信息公开工作年度报告"],
        ["本报告中所列数据的统计期限自2024年1月1日起至2024年12月31日止。"],
        [
            H("一、总体情况"),
            P("2024年，县政府坚持以公开为常态、不公开为例外，政务公开工作取得明显成效。", "overview.summary"),
            P(
                "（一）主动公开方面。全年主动公开政府信息2100条，其中政策文件86件。",
                "overview.proactive",
                "全年主动公开政府信息2100条，其中政策文件86件。",
            ),
            P(
                "（二）依申请公开方面。全年收到申请45件，按时答复率100%。",
                "overview.on_request",
                "全年收到申请45件，按时答复率100%。",
            ),
            H("（三）完善公开制度规范，加强政府信息管理"),
            P("修订政府信息公开工作制度，开展规范性文件清理，废止文件5件。", "overview.management"),
            H("（四）加强平台建设，扩展公开渠道"),
            P("县政府门户网站开设政务公开专栏，在各乡镇新建基层公开专区。", "overview.platform"),
            H("（五）及时回应关切，自觉接受监督"),
            P("聘请社会监督员12名，开展政务公开社会评议一次。", "overview.supervision"),
            *_TABLES,
            H("五、存在的主要问题及整改措施"),
            P("（一）存在的主要问题。部分乡镇公开栏更新不及时，解读形式单一。", "problems.main"),
            P("（二）整改措施。建立公开栏定期检查制度，推广图解和视频解读。", "problems.main"),
            H("六、其他需要报告的事项"),
            P("2024年，无收取信息处理费情况。", "other.main"),
        ],
        ["某某县人民政府", "2025年1月20日"],
        unit="某某县人民政府",
        level="county",
        page_number="第 {} 页",
    )


_LONG = (
    "按照党中央、国务院关于全面推进政务公开工作的部署要求，区政府坚持以公开为常态、不公开为例外，"
    "围绕群众关切持续深化决策、执行、管理、服务、结果公开，不断提升政务公开的质量和实效，"
    "进一步保障人民群众的知情权、参与权、表达权和监督权。"
)


def district_wps() -> Shape:
    """A district's WPS-made PDF: long texts so that page breaks fall inside 一, page numbers
    "-1-", a running header, and tables as WPS prints them."""
    return Shape(
        "district-wps",
        ["某某市某某区人民政府", "2024年政府信息公开工作年度报告"],
        ["本报告中所列数据的统计期限自2024年1月1日起至2024年12月31日止。"],
        [
            H("一、总体情况"),
            P("2024年，" + _LONG * 3, "overview.summary"),
            H("（一）主动公开情况"),
            P("全年主动公开政府信息5500余条。" + _LONG * 3, "overview.proactive"),
            H("（二）依申请公开情况"),
            P("全年受理政府信息公开申请3119件。" + _LONG * 2, "overview.on_request"),
            H("（三）政府信息管理情况"),
            P("坚持先审查、后公开。" + _LONG * 2, "overview.management"),
            H("（四）政府信息公开平台建设情况"),
            P("优化政务公开专栏设置。" + _LONG * 2, "overview.platform"),
            H("（五）政府信息公开监督保障情况"),
            P("全年组织4次政府信息公开栏目检查。" + _LONG, "overview.supervision"),
            *_TABLES,
            H("五、存在的主要问题及改进情况"),
            P("政策解读的形式还不够丰富。下一步将推广图解、视频等解读形式。", "problems.main"),
            H("六、其他需要报告的事项"),
            P("本年度发出收费通知6件，实际收取信息处理费0.12万元。", "other.main"),
        ],
        [],
        unit="某某市某某区人民政府",
        level="county",
        wps=True,
        borderless="一、本年新收政府信息公开申请数量",
        page_number="-{}-",
        header="某某区人民政府政务公开",
    )


SHAPES = (zone, commission, bureau, county, district_wps)


# ---------------------------------------------------------------------- tables as printed


Row = tuple[str, list[str], list[str]]  # kind ("caption", "header", "row"), labels, values


def _depth(table: CompiledTable) -> int:
    return max(len(r.labels) for r in table.rows)


def _width(table: CompiledTable) -> int:
    return max(len(table.cols_of(r)) for r in table.rows)


def _rows(report: Report, table: CompiledTable, wps: bool) -> list[Row]:
    """The rows as a unit prints them, block by block (totals as the sum of their parts; with
    ``wps`` （六）其他处理 as one row without its sub-rows)."""
    out: list[Row] = []
    for block in table.spec.blocks:
        leaves = [r for r in table.rows if r.block == block.key]
        if block.caption:
            out.append(("caption", [block.caption], []))
        out.append(("header", [], [c.labels[-1] for c in table.cols_of(leaves[0])]))
        collapsed = False
        for leaf in leaves:
            cols = table.cols_of(leaf)
            labels = list(leaf.labels)
            if wps and ".other_handling." in leaf.id:
                if collapsed:
                    continue
                collapsed = True
                group = [r for r in leaves if ".other_handling." in r.id]
                sums = [sum(report.cell(table.key, f"{r.id}.{c.id}") or 0 for r in group) for c in cols]
                out.append(("row", labels[:-1], [format_value(v) for v in sums]))
                continue
            out.append(
                ("row", labels, [format_value(report.cell(table.key, f"{leaf.id}.{c.id}")) for c in cols])
            )
    return out


def _runs(rows: list[Row], row: int, level: int) -> int:
    """How many rows from ``row`` on carry the same group label at ``level`` (its rowspan)."""
    label = rows[row][1][level]
    count = 1
    while row + count < len(rows):
        kind, labels, _values = rows[row + count]
        if kind != "row" or len(labels) <= level + 1 or labels[level] != label:
            break
        count += 1
    return count


def _no_vertical_rules(cell, sides: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    borders = OxmlElement("w:tcBorders")
    for side in sides:
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    cell._tc.get_or_add_tcPr().append(borders)


def _word_table(document, report: Report, key: str, wps: bool, borderless: str = "") -> None:  # type: ignore[no-untyped-def]
    table = report.tpl.table(key)
    depth, width = _depth(table), _width(table)
    rows = _rows(report, table, wps)
    word = document.add_table(rows=len(rows), cols=depth + width)
    word.style = "Table Grid"
    word.autofit = False
    label_cm = [1.6, 2.0, 4.2][-depth:] if depth else []
    value_cm = (16.0 - sum(label_cm)) / width
    for c, column in enumerate(word.columns):
        column.width = Cm(label_cm[c] if c < depth else value_cm)
        for cell in column.cells:
            cell.width = column.width
    covered: set[tuple[int, int]] = set()
    for r, (kind, labels, values) in enumerate(rows):
        if kind == "caption":
            word.cell(r, 0).merge(word.cell(r, depth + width - 1)).text = labels[0]
            continue
        if len(values) < width:  # a narrower block: its one value spans the value columns
            word.cell(r, depth).merge(word.cell(r, depth + width - 1)).text = values[0]
        else:
            for j, value in enumerate(values):
                word.cell(r, depth + j).text = value
                if borderless and labels and labels[-1] == borderless:
                    inner = ("left",) * (j > 0) + ("right",) * (j < len(values) - 1)
                    _no_vertical_rules(word.cell(r, depth + j), inner)
        if kind == "header" or not labels:
            if depth > 1:
                word.cell(r, 0).merge(word.cell(r, depth - 1))
            continue
        for level, label in enumerate(labels[:-1]):
            if (r, level) in covered:
                continue
            span = _runs(rows, r, level)
            covered.update((r + i, level) for i in range(span))
            cell = (
                word.cell(r, level).merge(word.cell(r + span - 1, level)) if span > 1 else word.cell(r, level)
            )
            cell.text = label
        last = len(labels) - 1
        word.cell(r, last).text = labels[-1]
        if len(labels) < depth:
            if wps and len(labels) > 1:
                word.cell(r, depth - 1).text = ""  # WPS: a label spanning two cells, drawn as two
            else:
                word.cell(r, last).merge(word.cell(r, depth - 1))


def _html_table(report: Report, key: str, wps: bool) -> str:
    table = report.tpl.table(key)
    depth, width = _depth(table), _width(table)
    rows = _rows(report, table, wps)
    out = ["<table border=1>"]
    covered: set[tuple[int, int]] = set()
    for r, (kind, labels, values) in enumerate(rows):
        if kind == "caption":
            out.append(f"<tr><td colspan={depth + width}>{labels[0]}</td></tr>")
            continue
        cells = []
        if kind == "header" or not labels:
            if depth:
                cells.append(f"<td colspan={depth}></td>")
        else:
            for level, label in enumerate(labels[:-1]):
                if (r, level) in covered:
                    continue
                span = _runs(rows, r, level)
                covered.update((r + i, level) for i in range(span))
                cells.append(f"<td rowspan={span}>{label}</td>")
            cells.append(f"<td colspan={depth - len(labels) + 1}>{labels[-1]}</td>")
        if len(values) < width:
            cells.append(f"<td colspan={width}>{values[0]}</td>")
        else:
            cells.extend(f"<td>{v}</td>" for v in values)
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return "".join(out)


# ---------------------------------------------------------------------- documents


def _page_field(paragraph, pattern: str) -> None:  # type: ignore[no-untyped-def]
    before, _, after = pattern.partition("{}")
    paragraph.add_run(before)
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind is not None:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.text = text
        run._r.append(element)
    paragraph.add_run(after)


def to_docx(shape: Shape, path: Path) -> Path:
    document = docx.Document()
    section = document.sections[0]
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(footer, shape.page_number)
    if shape.header:
        section.header.paragraphs[0].text = shape.header
    for line in shape.title:
        document.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in shape.preamble:
        document.add_paragraph(line)
    for block in shape.body:
        if isinstance(block, T):
            _word_table(document, shape.values, block.key, shape.wps, shape.borderless)
        else:
            document.add_paragraph(block.text)
    for line in shape.signature:
        document.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.save(str(path))
    return path


def to_html(shape: Shape, path: Path) -> Path:
    parts = ["<html><head><meta charset='utf-8'><title>x</title></head><body>"]
    parts += [f"<h1>{line}</h1>" for line in shape.title]
    parts += [f"<p>{line}</p>" for line in shape.preamble]
    for block in shape.body:
        if isinstance(block, T):
            parts.append(_html_table(shape.values, block.key, shape.wps))
        else:
            parts.append(f"<p>{block.text}</p>")
    parts += [f"<p style='text-align:right'>{line}</p>" for line in shape.signature]
    parts.append("</body></html>")
    path.write_text("".join(parts), encoding="utf-8")
    return path


def to_pdfs(shapes: list[Shape], folder: Path) -> list[Path]:
    """Each shape as LibreOffice prints its Word document (one LibreOffice start for all)."""
    from tui_report.export.pdf import docxs_to_pdfs

    docs = [to_docx(shape, folder / f"{shape.name}.docx").read_bytes() for shape in shapes]
    paths = []
    for shape, data in zip(shapes, docxs_to_pdfs(docs), strict=True):
        assert data is not None, shape.name
        path = folder / f"{shape.name}.pdf"
        path.write_bytes(data)
        paths.append(path)
    return paths
