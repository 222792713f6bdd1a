"""Report files: plain TOML a person can read and diff, read strictly and saved atomically.

Layout of a report file::

    [report]            template id and version, unit, level, year
    [preamble]          statistics period, where published, contact
    [texts.<section>]   long texts as multi-line strings
    [tables.<table>.<row path>]   <column path> = number   (computed totals are not stored)
    [export]            print settings: subheadings = "own-line" | "run-in" (written when not the default)
    [last_year]         last year's template, year, unit and the cells R7/R8 compare with (new --from)

Every problem with a file becomes a :class:`ReportFileError` with a Chinese message naming the
file and, where known, line and column; callers never see a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import ValidationError

from tui_report.host.toml import tomllib
from tui_report.model.report import (
    MAX_CELL_VALUE,
    MAX_CELL_VALUE_TEXT,
    SUBHEADING_STYLES,
    CellValue,
    ExportSettings,
    LastYear,
    Report,
    cell_value,
    number_problem,
    year_problem,
)
from tui_report.model.template import LEVEL_LABELS, Template, TemplateError, get_template
from tui_report.storage.atomic import atomic_write
from tui_report.storage.errors import ReportFileError
from tui_report.storage.filemodel import (
    ExportSection,
    LastYearSection,
    MetaSection,
    ReportFileModel,
    explain,
    suggest,
    type_name,
)
from tui_report.storage.safefile import MAX_REPORT_BYTES, read_regular
from tui_report.storage.tomlerrors import explain_toml_error

# ---------------------------------------------------------------------- reading


def _line_of(text: str, dotted: list[str]) -> int | None:
    """Best-effort line number of a key path in TOML source, for error messages."""
    lines = text.splitlines()
    for depth in range(len(dotted), 0, -1):
        parent = ".".join(dotted[: depth - 1])
        leaf = dotted[depth - 1]
        start = 0
        if parent:
            header = re.compile(r"^\s*\[+\s*" + re.escape(parent) + r"\s*\]+\s*(#.*)?$")
            found = [i for i, line in enumerate(lines) if header.match(line)]
            if not found:
                continue
            start = found[0] + 1
        key = re.compile(r"^\s*" + re.escape(leaf) + r"\s*=")
        sub_header = re.compile(r"^\s*\[+\s*" + re.escape(".".join(dotted[:depth])) + r"\s*\]+")
        for i in range(start, len(lines)):
            if key.match(lines[i]) or sub_header.match(lines[i]):
                return i + 1
            if parent and lines[i].lstrip().startswith("[") and i > start:
                break
    return None


# Cell keys nest as row path then column path; no template goes deeper than this.
_MAX_KEY_DEPTH = 12

Fail = Callable[[str, "list[str] | None"], ReportFileError]


def report_from_data(data: dict[str, Any], path: Path, text: str = "") -> Report:
    """Build a report from parsed TOML: the file's shape through the strict Pydantic models of
    :mod:`tui_report.storage.filemodel`, then the keys and values against the template."""

    def fail(message: str, dotted: list[str] | None = None) -> ReportFileError:
        line = _line_of(text, dotted) if dotted and text else None
        return ReportFileError(path, message, line)

    try:
        shape = ReportFileModel.model_validate(data)
    except ValidationError as exc:
        message, loc = explain(exc)
        raise fail(message, loc) from None
    meta = shape.report
    template = _template(meta.template, fail, ["report", "template"])
    _check_meta(meta, template, fail)
    _check_preamble(shape.preamble, template, fail)
    values: dict[str, dict[str, CellValue]] = {}
    for table_key, node in shape.tables.items():
        cells = _table_cells(template, table_key, node, ["tables"], fail)
        if cells:
            values[table_key] = cells
    # Built without validating again: every field was checked above (the file's shape strictly,
    # level against LEVEL_LABELS, the year's bounds, each cell a bounded int or Decimal), and the
    # Report's own validation went through every cell once more (a twentieth of reading a file).
    return Report.model_construct(
        template=template.id,
        template_version=meta.template_version if meta.template_version is not None else template.version,
        unit=meta.unit,
        level=meta.level or None,  # type: ignore[arg-type]  # checked against LEVEL_LABELS above
        year=meta.year,
        preamble=dict(shape.preamble),
        texts=_texts(shape.texts, template, fail),
        values=values,
        export=_export_settings(shape.export, fail),
        last_year=_last_year(shape.last_year, fail),
    )


def _template(template_id: str, fail: Fail, dotted: list[str]) -> Template:
    try:
        return get_template(template_id)
    except TemplateError as exc:
        raise fail(str(exc), dotted) from exc


def _check_meta(meta: MetaSection, template: Template, fail: Fail) -> None:
    if meta.level and meta.level not in LEVEL_LABELS:
        choices = "、".join(f"{k}（{v}）" for k, v in LEVEL_LABELS.items())
        raise fail(
            f'report.level 的值“{meta.level}”无效，可选：{choices}；尚未确定时写 ""（空）',
            ["report", "level"],
        )
    problem = year_problem(meta.year)
    if problem:
        raise fail(f"report.year 的值 {problem}", ["report", "year"])
    if meta.template_version is not None and meta.template_version != template.version:
        raise fail(
            f"report.template_version 的值 {meta.template_version} 不是“{template.name}”的版本"
            f"（本程序认识的版本：{template.version}）；请用新版本的 tui-report 打开，或改为 {template.version}",
            ["report", "template_version"],
        )


def _check_preamble(preamble: dict[str, str], template: Template, fail: Fail) -> None:
    known = [f.key for f in template.preamble]
    for key in preamble:
        if key not in known:
            raise fail(f"[preamble] 中有未知的键 {key}" + suggest(key, known), ["preamble", key])


def _texts(raw: dict[str, dict[str, str]], template: Template, fail: Fail) -> dict[str, str]:
    text_keys = template.text_keys()
    sections = sorted({k.split(".")[0] for k in text_keys})
    texts: dict[str, str] = {}
    for section, parts in raw.items():
        if section not in sections:
            raise fail(f"[texts] 中有未知的部分 {section}" + suggest(section, sections), ["texts", section])
        for part, value in parts.items():
            key = f"{section}.{part}"
            if key not in text_keys:
                known_parts = [k.split(".")[1] for k in text_keys if k.startswith(section + ".")]
                raise fail(
                    f"texts.{section} 中有未知的键 {part}" + suggest(part, known_parts),
                    ["texts", section, part],
                )
            texts[key] = value
    return texts


def _flatten_cells(node: dict[str, Any], where: list[str], fail: Fail) -> dict[str, Any]:
    """``{row: {col: 1}}`` → ``{"row.col": 1}``, without recursion (a hostile file may nest
    thousands of levels) and refusing more than :data:`_MAX_KEY_DEPTH`."""
    flat: dict[str, Any] = {}
    # (the keys so far joined with a dot after each, how many, the table under them)
    stack: list[tuple[str, int, dict[str, Any]]] = [("", 0, node)]
    while stack:
        prefix, depth, current = stack.pop()
        if depth > _MAX_KEY_DEPTH:
            raise fail(f"{'.'.join(where)} 中的键层级过深（超过 {_MAX_KEY_DEPTH} 层）", where)
        for key, value in current.items():
            if isinstance(value, dict):
                stack.append((f"{prefix}{key}.", depth + 1, value))
            else:
                flat[prefix + key] = value
    return flat


def _table_cells(
    template: Template, table_key: str, node: dict[str, Any], where: list[str], fail: Fail
) -> dict[str, CellValue]:
    """The cells of one ``[tables.<key>]`` (or ``[last_year.tables.<key>]``): known cells, numbers
    within bounds, amounts as Decimal; a stored total equal to its sum is dropped."""
    compiled = template.compiled
    if table_key not in compiled:
        where_text = "[last_year]" if where[0] == "last_year" else "[tables]"
        raise fail(
            f"{where_text} 中有未知的表 {table_key}" + suggest(table_key, list(compiled)), [*where, table_key]
        )
    table = compiled[table_key]
    cells: dict[str, CellValue] = {}
    totals: list[str] = []  # computed cells the file stores, in its order
    for cell_id, value in _flatten_cells(node, [*where, table_key], fail).items():
        cell = table.cells.get(cell_id)
        if cell is None:
            dotted = [*where, table_key, *cell_id.split(".")]
            raise fail(f"表“{table.title}”没有单元格 {cell_id}" + suggest(cell_id, table.order), dotted)
        if cell.computed:
            totals.append(cell_id)
        if type(value) is int and -MAX_CELL_VALUE <= value <= MAX_CELL_VALUE:
            # The common case, every cell of every file the desk reads: nothing to refuse, no
            # key path to build for a message.
            cells[cell_id] = Decimal(value) if cell.kind == "amount" else value
        else:
            dotted = [*where, table_key, *cell_id.split(".")]
            cells[cell_id] = _cell_number(cell.kind, value, ".".join(dotted), dotted, fail)
    # A stored total that equals the sum carries nothing: drop it; a different one is kept for
    # the checks to point at.
    for cell_id in totals:
        declared = cells.pop(cell_id)
        computed = cell_value(table, cells, table.cells[cell_id])
        if declared != (computed if computed is not None else 0):
            cells[cell_id] = declared
    return cells


def _cell_number(kind: str, value: Any, name: str, dotted: list[str], fail: Fail) -> CellValue:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        hint = "（请写成不带引号的数字，全角数字请改为半角）" if isinstance(value, str) else ""
        raise fail(f"{name} 应为数字，读到的是{type_name(value)}{hint}", dotted)
    problem = number_problem(value)
    if problem:
        raise fail(f"{name} 的值{problem}", dotted)
    if kind == "amount" and isinstance(value, int):
        return Decimal(value)
    return value


def _export_settings(node: ExportSection, fail: Fail) -> ExportSettings:
    if node.subheadings not in SUBHEADING_STYLES:
        choices = "、".join(f'"{s}"' for s in SUBHEADING_STYLES)
        raise fail(
            f"export.subheadings 的值“{node.subheadings}”无效，可选：{choices}", ["export", "subheadings"]
        )
    return ExportSettings(subheadings=node.subheadings)  # type: ignore[arg-type]  # checked above


def _last_year(node: LastYearSection | None, fail: Fail) -> LastYear | None:
    """``[last_year]``: last year's template, year, unit and the cells R7/R8 compare with."""
    if node is None:
        return None
    template = _template(node.template, fail, ["last_year", "template"])
    problem = year_problem(node.year)
    if problem:
        raise fail(f"last_year.year 的值 {problem}", ["last_year", "year"])
    values: dict[str, dict[str, CellValue]] = {}
    for table_key, cells_node in node.tables.items():
        cells = _table_cells(template, table_key, cells_node, ["last_year", "tables"], fail)
        if cells:
            values[table_key] = cells
    return LastYear(template=template.id, year=node.year, unit=node.unit, values=values)


def decode_report_bytes(raw: bytes, path: Path) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raise ReportFileError(
            path, "文件开头有 BOM 标记（记事本“UTF-8 带 BOM”格式），请另存为不带 BOM 的 UTF-8", 1, 1
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        hint = "（看起来是 GBK/GB2312 编码，请另存为 UTF-8）" if _looks_gbk(raw) else ""
        raise ReportFileError(path, f"文件不是 UTF-8 编码{hint}", line, column) from exc


def _looks_gbk(raw: bytes) -> bool:
    try:
        raw.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return True


def loads_report(text: str, path: Path | str = "<内存>") -> Report:
    path = Path(path)
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except RecursionError:
        raise ReportFileError(path, "TOML 格式错误：数组或表嵌套层数过多") from None
    except ValueError as exc:
        if not isinstance(exc, tomllib.TOMLDecodeError):  # e.g. Python's limit on digits in an int
            raise ReportFileError(
                path, f"TOML 格式错误：数字位数过多（单元格的值绝对值不能超过{MAX_CELL_VALUE_TEXT}）"
            ) from None
        raise _toml_error(path, text, exc) from exc
    try:
        return report_from_data(data, path, text)
    except RecursionError:
        raise ReportFileError(path, "键的层级过深，无法读取") from None


def _toml_error(path: Path, text: str, exc: ValueError) -> ReportFileError:
    problem = explain_toml_error(text, exc)
    return ReportFileError(path, f"TOML 格式错误：{problem.reason}", problem.line, problem.column)


def load_report(path: Path | str) -> Report:
    path = Path(path)
    raw, _info = read_regular(path, MAX_REPORT_BYTES)
    return loads_report(decode_report_bytes(raw, path), path)


# ---------------------------------------------------------------------- writing


def _nest(flat: dict[str, CellValue], template: Template, table_key: str) -> dict[str, Any]:
    table = template.compiled[table_key]
    nested: dict[str, Any] = {}
    for cell_id in table.order:
        if cell_id not in flat:
            continue
        cell = table.cells[cell_id]
        node = nested
        for part in cell.row.id.split(".") + cell.col.id.split(".")[:-1]:
            node = node.setdefault(part, {})
        node[cell.col.id.split(".")[-1]] = flat[cell_id]
    return nested


def report_to_data(report: Report) -> dict[str, Any]:
    template = report.tpl
    data: dict[str, Any] = {
        "report": {
            "template": report.template,
            "template_version": report.template_version,
            "unit": report.unit,
            # Written empty, not left out, when not chosen: a program from before unset levels
            # refuses the file instead of reading it as its old default (乡镇).
            "level": report.level or "",
            "year": report.year,
        }
    }
    preamble = {f.key: report.preamble[f.key] for f in template.preamble if f.key in report.preamble}
    if preamble:
        data["preamble"] = preamble
    texts: dict[str, dict[str, str]] = {}
    for key in template.text_keys():
        if key in report.texts:
            section, part = key.split(".")
            texts.setdefault(section, {})[part] = report.texts[key]
    if texts:
        data["texts"] = texts
    tables = {t: _nest(report.values[t], template, t) for t in template.compiled if report.values.get(t)}
    if tables:
        data["tables"] = tables
    if report.export != ExportSettings():
        data["export"] = report.export.model_dump()
    if report.last_year is not None:
        data["last_year"] = _last_year_to_data(report.last_year)
    return data


def _last_year_to_data(last: LastYear) -> dict[str, Any]:
    template = get_template(last.template)
    node: dict[str, Any] = {"template": last.template, "year": last.year, "unit": last.unit}
    tables = {t: _nest(last.values[t], template, t) for t in template.compiled if last.values.get(t)}
    if tables:
        node["tables"] = tables
    return node


def _plain_decimals(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _plain_decimals(v) for k, v in node.items()}
    if isinstance(node, Decimal):
        # Whole amounts are written as integers (``0``, not ``0.0``) and never in exponent
        # notation (``1E+2``); the reader turns amounts back into Decimal.
        if node == node.to_integral_value():
            return int(node)
        return Decimal(format(node, "f"))
    return node


def plain_report_data(report: Report) -> dict[str, Any]:
    """What :func:`dumps_report` writes, as nested tables (the journal diffs these)."""
    data: dict[str, Any] = _plain_decimals(report_to_data(report))
    return data


def dumps_report(report: Report) -> str:
    return tomli_w.dumps(plain_report_data(report), multiline_strings=True)


def _same(a: Report, b: Report) -> bool:
    return a.model_dump() == b.model_dump()


def save_report(
    report: Report, path: Path | str, *, expect: tuple[int, int] | None = None, dir_fd: int | None = None
) -> bytes:
    """Serialize, prove the text reads back as the same report, then replace the file atomically
    (``expect``, ``dir_fd``: see :func:`atomic_write`). Returns the bytes written."""
    path = Path(path)
    # TOML reads a CR LF inside a multi-line string as LF: store the canonical form.
    for strings in (report.texts, report.preamble):
        for key, value in strings.items():
            if "\r" in value:
                strings[key] = value.replace("\r\n", "\n").replace("\r", "\n")
    if "\r" in report.unit:
        report.unit = report.unit.replace("\r\n", "\n").replace("\r", "\n")
    text = dumps_report(report)
    try:
        reread = loads_report(text, path)
    except ReportFileError as exc:  # pragma: no cover - would be a bug in the writer
        raise ReportFileError(path, f"保存前自检失败，文件未改动：{exc.reason}") from exc
    if not _same(reread, report):  # pragma: no cover - would be a bug in the writer
        raise ReportFileError(path, "保存前自检失败（写出的内容读回后不一致），文件未改动")
    data = text.encode("utf-8")
    atomic_write(path, data, expect=expect, dir_fd=dir_fd)
    return data
