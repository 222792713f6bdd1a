"""Bar charts for the summary workbook's .xlsx writer (review/xlsx.py): the DrawingML parts a
worksheet needs to show charts over cell ranges of another sheet (the 图表 sheet over 指标).

A chart names its data by reference (``'指标'!$B$3:$B$9``), as Excel and LibreOffice expect; no
values are cached in it. Its title and series names come from ``schemas/review/`` and are escaped
like every text the writer puts into XML (control characters removed).
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol
from xml.sax.saxutils import escape as _escape

from tui_report.host.terminal import strip_controls

_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
CHART_TYPE = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
DRAWING_TYPE = "application/vnd.openxmlformats-officedocument.drawing+xml"
EMU_PER_CM = 360000
# Series colours, written out: the writer has no theme for a program to take them from.
PALETTE = ("4472C4", "ED7D31", "A5A5A5", "FFC000", "5B9BD5", "70AD47")
_AXIS_LINE = '<c:spPr><a:ln><a:solidFill><a:srgbClr val="808080"/></a:solidFill></a:ln></c:spPr>'


def escape(text: str) -> str:
    return _escape(strip_controls(text))


class HasCharts(Protocol):
    @property
    def charts(self) -> list[BarChart]: ...


@dataclass(frozen=True)
class ChartSeries:
    name: str
    values: str  # a range reference, e.g. 'Sheet'!$B$3:$B$9


@dataclass(frozen=True)
class BarChart:
    title: str
    categories: str  # range reference of the category names
    series: tuple[ChartSeries, ...]
    percent: bool = False
    width_cm: float = 16.0
    height_cm: float = 9.0
    row: int = 0  # anchored at this row (0-based) of the sheet holding it, column A


def cell_range(sheet: str, column: str, first: int, last: int) -> str:
    """``'指标'!$B$3:$B$9``: rows ``first``…``last`` of one column of a sheet."""
    quoted = sheet.replace("'", "''")
    return f"'{quoted}'!${column}${first}:${column}${last}"


def chart_xml(chart: BarChart) -> str:
    series = "".join(
        f'<c:ser><c:idx val="{n}"/><c:order val="{n}"/><c:tx><c:v>{escape(s.name)}</c:v></c:tx>'
        f'<c:spPr><a:solidFill><a:srgbClr val="{PALETTE[n % len(PALETTE)]}"/></a:solidFill></c:spPr>'
        '<c:invertIfNegative val="0"/>'
        f"<c:cat><c:strRef><c:f>{escape(chart.categories)}</c:f></c:strRef></c:cat>"
        f"<c:val><c:numRef><c:f>{escape(s.values)}</c:f></c:numRef></c:val></c:ser>"
        for n, s in enumerate(chart.series)
    )
    number_format = "0%" if chart.percent else "General"
    title = (
        f"<c:title><c:tx><c:rich><a:bodyPr/><a:p><a:r><a:t>{escape(chart.title)}</a:t></a:r></a:p>"
        '</c:rich></c:tx><c:overlay val="0"/></c:title><c:autoTitleDeleted val="0"/>'
    )
    axes = (
        '<c:catAx><c:axId val="10"/><c:scaling><c:orientation val="minMax"/></c:scaling>'
        '<c:delete val="0"/><c:axPos val="b"/><c:majorTickMark val="out"/><c:minorTickMark val="none"/>'
        '<c:tickLblPos val="nextTo"/>' + _AXIS_LINE + '<c:crossAx val="100"/><c:crosses val="autoZero"/>'
        '<c:auto val="1"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/></c:catAx>'
        '<c:valAx><c:axId val="100"/><c:scaling><c:orientation val="minMax"/></c:scaling>'
        '<c:delete val="0"/><c:axPos val="l"/><c:majorGridlines>'
        '<c:spPr><a:ln><a:solidFill><a:srgbClr val="D9D9D9"/></a:solidFill></a:ln></c:spPr></c:majorGridlines>'
        f'<c:numFmt formatCode="{number_format}" sourceLinked="0"/><c:majorTickMark val="out"/>'
        '<c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>' + _AXIS_LINE + '<c:crossAx val="10"/>'
        '<c:crosses val="autoZero"/><c:crossBetween val="between"/></c:valAx>'
    )
    return (
        f'{_XML_HEAD}<c:chartSpace xmlns:c="{_C}" xmlns:a="{_A}" xmlns:r="{_R}">'
        f"<c:chart>{title}<c:plotArea><c:layout/>"
        '<c:barChart><c:barDir val="col"/><c:grouping val="clustered"/><c:varyColors val="0"/>'
        f'{series}<c:gapWidth val="150"/><c:axId val="10"/><c:axId val="100"/></c:barChart>'
        f"{axes}</c:plotArea>"
        '<c:legend><c:legendPos val="r"/><c:overlay val="0"/></c:legend><c:plotVisOnly val="1"/>'
        "</c:chart></c:chartSpace>"
    )


def drawing_xml(charts: list[BarChart]) -> str:
    """The drawing of a sheet: one anchored frame per chart (``rId1``… in the drawing's rels)."""
    frames = []
    for n, chart in enumerate(charts, start=1):
        cx, cy = int(chart.width_cm * EMU_PER_CM), int(chart.height_cm * EMU_PER_CM)
        frames.append(
            f"<xdr:oneCellAnchor><xdr:from><xdr:col>0</xdr:col><xdr:colOff>0</xdr:colOff>"
            f"<xdr:row>{chart.row}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>"
            f'<xdr:ext cx="{cx}" cy="{cy}"/><xdr:graphicFrame macro="">'
            f'<xdr:nvGraphicFramePr><xdr:cNvPr id="{n + 1}" name="Chart {n}"/><xdr:cNvGraphicFramePr/>'
            '</xdr:nvGraphicFramePr><xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm>'
            f'<a:graphic><a:graphicData uri="{_C}"><c:chart xmlns:c="{_C}" r:id="rId{n}"/>'
            "</a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/></xdr:oneCellAnchor>"
        )
    return (
        f'{_XML_HEAD}<xdr:wsDr xmlns:xdr="{_XDR}" xmlns:a="{_A}" xmlns:r="{_R}">{"".join(frames)}</xdr:wsDr>'
    )


def drawing_rels(first_chart: int, count: int) -> str:
    rels = "".join(
        f'<Relationship Id="rId{n}" Type="{_R}/chart" Target="../charts/chart{first_chart + n - 1}.xml"/>'
        for n in range(1, count + 1)
    )
    return f'{_XML_HEAD}<Relationships xmlns="{_PKG_REL_NS}">{rels}</Relationships>'


def sheet_drawing_rels(drawing: int) -> str:
    return (
        f'{_XML_HEAD}<Relationships xmlns="{_PKG_REL_NS}">'
        f'<Relationship Id="rId1" Type="{_R}/drawing" Target="../drawings/drawing{drawing}.xml"/>'
        "</Relationships>"
    )


def write_charts(package: zipfile.ZipFile, sheets: Sequence[HasCharts]) -> None:
    """The drawing and chart parts of every sheet with charts (sheet N: drawing N)."""
    chart_number = 1
    for number, sheet in enumerate(sheets, start=1):
        if not sheet.charts:
            continue
        package.writestr(f"xl/worksheets/_rels/sheet{number}.xml.rels", sheet_drawing_rels(number))
        package.writestr(f"xl/drawings/drawing{number}.xml", drawing_xml(sheet.charts))
        package.writestr(
            f"xl/drawings/_rels/drawing{number}.xml.rels", drawing_rels(chart_number, len(sheet.charts))
        )
        for chart in sheet.charts:
            package.writestr(f"xl/charts/chart{chart_number}.xml", chart_xml(chart))
            chart_number += 1


def chart_content_types(sheets: Sequence[HasCharts]) -> str:
    """The ``[Content_Types].xml`` overrides of the parts :func:`write_charts` writes."""
    parts = []
    chart_number = 1
    for number, sheet in enumerate(sheets, start=1):
        if not sheet.charts:
            continue
        parts.append(f'<Override PartName="/xl/drawings/drawing{number}.xml" ContentType="{DRAWING_TYPE}"/>')
        for _ in sheet.charts:
            parts.append(
                f'<Override PartName="/xl/charts/chart{chart_number}.xml" ContentType="{CHART_TYPE}"/>'
            )
            chart_number += 1
    return "".join(parts)
