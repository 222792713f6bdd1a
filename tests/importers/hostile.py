"""Hostile documents for the import budgets (#20), generated, never stored: small files that unpack or
lay out into a lot of work. Used by tests/importers/test_import_budgets.py and
benchmarks/bench_import.py.

Each generator writes one file into ``folder`` and returns its path. Sizes follow the samples #20 was
measured with: a 30 KB .docx of tiny paragraphs, a 763 KB .docx declaring 262 MB unpacked, a 152 KB
page of ``rowspan=100 colspan=100`` cells, 32–38 KB PDFs of 200 pages, a 50 MB page.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
TITLE = "某某县人民政府2024年政府信息公开工作年度报告"


def _docx(path: Path, body_parts: Callable[[], object]) -> Path:
    """A minimal .docx whose body is written piece by piece (never the whole XML in memory)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(
                f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{_W}"><w:body>'.encode()
            )
            member.write(f"<w:p><w:r><w:t>{TITLE}</w:t></w:r></w:p>".encode())
            for chunk in body_parts():  # type: ignore[attr-defined]
                member.write(chunk)
            member.write(b"</w:body></w:document>")
    return path


def docx_many_paragraphs(folder: Path, count: int = 300_000) -> Path:
    """~30 KB: millions of tiny paragraphs (22 s and rising before the budgets)."""
    para = b"<w:p><w:r><w:t>\xe5\xad\x97</w:t></w:r></w:p>"

    def parts():
        for _ in range(count // 10_000):
            yield para * 10_000

    return _docx(folder / "many-paragraphs.docx", parts)


def docx_huge_unpacked(folder: Path, megabytes: int = 250) -> Path:
    """Under the old 256 MB cap unpacked: one table of a quarter of a million rows of cells."""
    row = b"<w:tr>" + b"<w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc>" * 20 + b"</w:tr>"

    def parts():
        yield b"<w:tbl>"
        written = 0
        block = row * 1000
        while written < megabytes * 1024 * 1024:
            yield block
            written += len(block)
        yield b"</w:tbl>"

    return _docx(folder / "huge-unpacked.docx", parts)


def docx_wide_spans(folder: Path, rows: int = 3000) -> Path:
    """Cells claiming ``gridSpan`` of a billion columns and 64 of them per row."""
    cell = b'<w:tc><w:tcPr><w:gridSpan w:val="1000000000"/></w:tcPr><w:p/></w:tc>'
    row = b"<w:tr>" + cell * 64 + b"</w:tr>"

    def parts():
        yield b"<w:tbl>" + row * rows + b"</w:tbl>"

    return _docx(folder / "wide-spans.docx", parts)


def html_spans(folder: Path, cells: int = 4500) -> Path:
    """~152 KB of ``<td rowspan=100 colspan=100>`` cells (30 s and 5.1 GB before the budgets)."""
    per_row = 60
    rows = []
    for start in range(0, cells, per_row):
        rows.append("<tr>" + '<td rowspan="100" colspan="100">1</td>' * min(per_row, cells - start) + "</tr>")
    page = f"<html><body><p>{TITLE}</p><table>{''.join(rows)}</table></body></html>"
    path = folder / "spans.html"
    path.write_text(page, encoding="utf-8")
    return path


def html_huge(folder: Path, megabytes: int = 50) -> Path:
    """A 50 MB page of paragraphs (never finished before the budgets)."""
    path = folder / "huge.html"
    paragraph = "<p>本机关认真落实政府信息公开条例，主动公开各类信息。</p>\n".encode()
    with path.open("wb") as handle:
        handle.write(f"<html><body><p>{TITLE}</p>".encode())
        block = paragraph * 10_000
        for _ in range(megabytes * 1024 * 1024 // len(block)):
            handle.write(block)
        handle.write(b"</body></html>")
    return path


def html_deep(folder: Path, depth: int = 200_000) -> Path:
    """Tables nested inside cells, 200,000 deep."""
    path = folder / "deep.html"
    path.write_text(
        f"<html><body><p>{TITLE}</p>" + "<table><tr><td>" * depth + "1" + "</td></tr></table>" * depth,
        encoding="utf-8",
    )
    return path


def _pdf(
    path: Path, pages: int, content: bytes, packed: bytes | None = None, filters: str = "/FlateDecode"
) -> Path:
    """A PDF of ``pages`` pages that all draw the same (compressed) content stream."""
    objects: list[bytes] = []
    kids = " ".join(f"{5 + i} 0 R" for i in range(pages))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    packed = zlib.compress(content, 9) if packed is None else packed
    objects.append(
        b"<< /Length %d /Filter %s >>\nstream\n" % (len(packed), filters.encode()) + packed + b"\nendstream"
    )
    for _ in range(pages):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>"
        )
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def pdf_many_glyphs(folder: Path, pages: int = 200, lines: int = 120, name: str = "many-glyphs") -> Path:
    """200 pages, each thousands of tiny glyphs from one shared stream (~35 KB)."""
    ops = [b"BT /F1 4 Tf"]
    for n in range(lines):
        ops.append(b"1 0 0 1 20 %d Tm (%s) Tj" % (20 + 6 * n, b"0123456789 " * 12))
    ops.append(b"ET")
    return _pdf(folder / f"{name}.pdf", pages, b"\n".join(ops))


def pdf_many_rules(folder: Path, pages: int = 200, grid: int = 60, name: str = "many-rules") -> Path:
    """200 pages, each a ruled grid of thousands of little rectangles (table finding is quadratic)."""
    ops = [b"0.5 w"]
    for row in range(grid):
        for col in range(grid):
            ops.append(b"%d %d 9 13 re S" % (20 + 9 * col, 20 + 13 * row))
    ops.append(b"BT /F1 6 Tf 30 800 Td (2024) Tj ET")
    return _pdf(folder / f"{name}.pdf", pages, b"\n".join(ops))


def _zeros_deflated(megabytes: int) -> bytes:
    """A zlib stream of ``megabytes`` MB of spaces, built from one compressed megabyte repeated
    (compressing a gigabyte would take the test 20 s)."""
    block = b" " * (1 << 20)
    raw = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = raw.compress(block) + raw.flush(zlib.Z_FULL_FLUSH)
    again = raw.compress(block) + raw.flush(zlib.Z_FULL_FLUSH)
    check = 1
    for _ in range(megabytes):
        check = zlib.adler32(block, check)
    body = first + again * (megabytes - 1) + raw.flush()
    return b"\x78\xda" + body + check.to_bytes(4, "big")


def pdf_double_deflate(folder: Path, megabytes: int = 1024) -> Path:
    """One page whose content stream is compressed twice: a few KB that unpack to a gigabyte."""
    packed = zlib.compress(_zeros_deflated(megabytes), 9)
    return _pdf(folder / "double-deflate.pdf", 1, b"", packed, "[/FlateDecode /FlateDecode]")


def pdf_text_at_budget(folder: Path) -> Path:
    """Just inside the budgets: 10 pages of 3,960 glyphs each (39,600 in all)."""
    return pdf_many_glyphs(folder, pages=10, lines=30, name="text-at-budget")


def pdf_rules_at_budget(folder: Path) -> Path:
    """Just inside the budgets: 5 pages of a 34 × 34 ruled grid (1,156 rectangles, 5,780 segments
    each: the most the table finder is given)."""
    return pdf_many_rules(folder, pages=5, grid=34, name="rules-at-budget")


def html_at_budget(folder: Path) -> Path:
    """Just inside the budgets: 19,000 paragraphs and a table of 45,000 cells."""
    path = folder / "at-budget.html"
    rows = "<tr>" + "<td>1</td>" * 30 + "</tr>"
    path.write_text(
        f"<html><body><p>{TITLE}</p>"
        + "<p>本机关认真落实政府信息公开条例，主动公开各类信息。</p>" * 19_000
        + "<table>"
        + rows * 1500
        + "</table></body></html>",
        encoding="utf-8",
    )
    return path


def docx_at_budget(folder: Path) -> Path:
    """Just inside the budgets: 19,000 paragraphs and a table of 45,000 cells."""
    para = "<w:p><w:r><w:t>本机关认真落实政府信息公开条例，主动公开各类信息。</w:t></w:r></w:p>".encode()
    row = b"<w:tr>" + b"<w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc>" * 30 + b"</w:tr>"

    def parts():
        yield para * 19_000
        yield b"<w:tbl>" + row * 1500 + b"</w:tbl>"

    return _docx(folder / "at-budget.docx", parts)


HOSTILE: dict[str, Callable[[Path], Path]] = {
    "docx 数百万个段落": docx_many_paragraphs,
    "docx 解压后约250 MB": docx_huge_unpacked,
    "docx gridSpan=10亿": docx_wide_spans,
    "html rowspan/colspan=100": html_spans,
    "html 50 MB": html_huge,
    "html 表格嵌套20万层": html_deep,
    "pdf 200页密集文字": pdf_many_glyphs,
    "pdf 200页密集表格线": pdf_many_rules,
    "pdf 双重压缩（解压后1 GB）": pdf_double_deflate,
}
"""Documents every budget refuses, by a short Chinese name (the benchmark's rows)."""

AT_BUDGET: dict[str, Callable[[Path], Path]] = {
    "pdf 预算内：10页密集文字": pdf_text_at_budget,
    "pdf 预算内：5页密集表格线": pdf_rules_at_budget,
    "html 预算内：1.9万段、4.5万格": html_at_budget,
    "docx 预算内：1.9万段、4.5万格": docx_at_budget,
}
"""Documents just inside every budget: the most work an import may do (≤ 10 s)."""

ISSUE_20_SAMPLES = (
    "docx 数百万个段落",
    "docx 解压后约250 MB",
    "html rowspan/colspan=100",
    "html 50 MB",
    "pdf 200页密集文字",
    "pdf 200页密集表格线",
)
"""The shapes #20 measured (≤ 2 s after the budgets); the others are held to ≤ 10 s."""
