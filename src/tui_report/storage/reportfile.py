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

import difflib
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import tomli_w

from tui_report.host.toml import tomllib
from tui_report.model.report import SUBHEADING_STYLES, CellValue, ExportSettings, LastYear, Report, cell_value
from tui_report.model.template import LEVEL_LABELS, MAX_YEAR, MIN_YEAR, Template, TemplateError, get_template
from tui_report.storage.atomic import atomic_write
from tui_report.storage.errors import ReportFileError
from tui_report.storage.safefile import MAX_REPORT_BYTES, read_regular

_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
_META_KEYS = {"template", "template_version", "unit", "level", "year"}

# The parser's messages, explained for an operator who has hand-edited a file.
_TOML_HINTS = (
    ("Invalid value", "值无效：文字要用英文双引号括起来，数字不要加引号"),
    ("Expected '=' after a key", "键后面缺少“=”"),
    ("Unclosed array", "方括号 [ ] 没有闭合"),
    ("Unterminated string", "引号没有闭合"),
    ("Unclosed multiline string", '三引号 """ 没有闭合'),
    ("Cannot overwrite a value", "同一个键写了两次"),
    ("Cannot declare", "同一个表头写了两次"),
    ("Expected ']' at the end of a table declaration", "表头缺少“]”"),
    ("Invalid initial character for a key part", "键名有误：键名只能用英文字母、数字和下划线"),
    ("Expected newline or end of document", "一行只能写一个“键 = 值”"),
    ("Illegal character", "有不允许的字符"),
    ("Invalid statement", "这一行不是“键 = 值”或表头"),
)


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


def _suggest(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f"，是不是“{close[0]}”？" if close else ""


def _flatten_cells(node: Any, prefix: str, out: dict[str, Any]) -> None:
    for key, value in node.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            _flatten_cells(value, path, out)
        else:
            out[path] = value


def _type_name(value: object) -> str:
    if isinstance(value, str):
        return f"文字“{value}”"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (list, tuple)):
        return "数组"
    return type(value).__name__


def report_from_data(data: dict[str, Any], path: Path, text: str = "") -> Report:
    """Build a report from parsed TOML, checking keys and types against the template."""

    def fail(message: str, dotted: list[str] | None = None) -> ReportFileError:
        line = _line_of(text, dotted) if dotted and text else None
        return ReportFileError(path, message, line)

    sections_known = ["report", "preamble", "texts", "tables", "export", "last_year"]
    for key in data:
        if key not in sections_known:
            raise fail(f"未知的部分 [{key}]" + _suggest(key, sections_known), [key])
    meta = data.get("report")
    if not isinstance(meta, dict):
        raise fail("缺少 [report] 部分（模板、单位、年度）")
    for key in meta:
        if key not in _META_KEYS:
            raise fail(f"[report] 中有未知的键 {key}" + _suggest(key, sorted(_META_KEYS)), ["report", key])
    template_id = meta.get("template")
    if not isinstance(template_id, str):
        raise fail(
            '[report] 缺少 template（模板编号），例如 template = "gov-info-disclosure-2021"', ["report"]
        )
    try:
        template = get_template(template_id)
    except TemplateError as exc:
        raise fail(str(exc), ["report", "template"]) from exc
    for key, expected in (("unit", str), ("year", int), ("level", str), ("template_version", int)):
        if key in meta and (not isinstance(meta[key], expected) or isinstance(meta[key], bool)):
            kind = "文字" if expected is str else "整数"
            raise fail(f"report.{key} 应为{kind}，读到的是{_type_name(meta[key])}", ["report", key])
    level = meta.get("level", "township")
    if level not in LEVEL_LABELS:
        choices = "、".join(f"{k}（{v}）" for k, v in LEVEL_LABELS.items())
        raise fail(f"report.level 的值“{level}”无效，可选：{choices}", ["report", "level"])
    year = meta.get("year")
    if year is None:
        raise fail("[report] 缺少 year（年度）", ["report"])
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise fail(f"report.year 的值 {year} 不是合理的年度", ["report", "year"])

    preamble = data.get("preamble", {})
    if not isinstance(preamble, dict):
        raise fail("[preamble] 应为表", ["preamble"])
    preamble_keys = [f.key for f in template.preamble]
    for key, value in preamble.items():
        if key not in preamble_keys:
            raise fail(f"[preamble] 中有未知的键 {key}" + _suggest(key, preamble_keys), ["preamble", key])
        if not isinstance(value, str):
            raise fail(f"preamble.{key} 应为文字，读到的是{_type_name(value)}", ["preamble", key])

    texts: dict[str, str] = {}
    raw_texts = data.get("texts", {})
    if not isinstance(raw_texts, dict):
        raise fail("[texts] 应为表", ["texts"])
    text_keys = template.text_keys()
    sections = sorted({k.split(".")[0] for k in text_keys})
    for section, parts in raw_texts.items():
        if section not in sections:
            raise fail(f"[texts] 中有未知的部分 {section}" + _suggest(section, sections), ["texts", section])
        if not isinstance(parts, dict):
            raise fail(f"texts.{section} 应为表", ["texts", section])
        for part, value in parts.items():
            key = f"{section}.{part}"
            if key not in text_keys:
                known_parts = [k.split(".")[1] for k in text_keys if k.startswith(section + ".")]
                raise fail(
                    f"texts.{section} 中有未知的键 {part}" + _suggest(part, known_parts),
                    ["texts", section, part],
                )
            if not isinstance(value, str):
                raise fail(f"texts.{key} 应为文字，读到的是{_type_name(value)}", ["texts", section, part])
            texts[key] = value

    values: dict[str, dict[str, CellValue]] = {}
    raw_tables = data.get("tables", {})
    if not isinstance(raw_tables, dict):
        raise fail("[tables] 应为表", ["tables"])
    compiled = template.compiled
    for table_key, node in raw_tables.items():
        if table_key not in compiled:
            raise fail(
                f"[tables] 中有未知的表 {table_key}" + _suggest(table_key, list(compiled)),
                ["tables", table_key],
            )
        if not isinstance(node, dict):
            raise fail(f"tables.{table_key} 应为表", ["tables", table_key])
        table = compiled[table_key]
        flat: dict[str, Any] = {}
        _flatten_cells(node, "", flat)
        cells: dict[str, CellValue] = {}
        for cell_id, value in flat.items():
            dotted = ["tables", table_key, *cell_id.split(".")]
            if cell_id not in table.cells:
                raise fail(f"表“{table.title}”没有单元格 {cell_id}" + _suggest(cell_id, table.order), dotted)
            if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
                hint = "（请写成不带引号的数字，全角数字请改为半角）" if isinstance(value, str) else ""
                raise fail(
                    f"tables.{table_key}.{cell_id} 应为数字，读到的是{_type_name(value)}{hint}", dotted
                )
            if table.cells[cell_id].kind == "amount" and isinstance(value, int):
                value = Decimal(value)
            cells[cell_id] = value
        # A stored total that equals the sum carries nothing: drop it; a different one is kept
        # for the checks to point at.
        for cell_id in [c for c in cells if table.cells[c].computed]:
            declared = cells.pop(cell_id)
            computed = cell_value(table, cells, table.cells[cell_id])
            if declared != (computed if computed is not None else 0):
                cells[cell_id] = declared
        if cells:
            values[table_key] = cells

    export = _export_settings(data.get("export", {}), fail)
    return Report(
        template=template.id,
        template_version=meta.get("template_version", template.version),
        unit=meta.get("unit", ""),
        level=level,
        year=year,
        preamble=dict(preamble),
        texts=texts,
        values=values,
        export=export,
        last_year=_last_year_from_data(data.get("last_year"), fail),
    )


def _export_settings(node: Any, fail: Callable[[str, list[str] | None], ReportFileError]) -> ExportSettings:
    if not isinstance(node, dict):
        raise fail("[export] 应为表", ["export"])
    for key in node:
        if key != "subheadings":
            raise fail(f"[export] 中有未知的键 {key}" + _suggest(key, ["subheadings"]), ["export", key])
    style = node.get("subheadings", "own-line")
    if style not in SUBHEADING_STYLES:
        choices = "、".join(f'"{s}"' for s in SUBHEADING_STYLES)
        raise fail(f"export.subheadings 的值“{style}”无效，可选：{choices}", ["export", "subheadings"])
    return ExportSettings(subheadings=style)


def _last_year_from_data(
    node: Any, fail: Callable[[str, list[str] | None], ReportFileError]
) -> LastYear | None:
    """``[last_year]``: last year's template, year, unit and the cells R7/R8 compare with."""
    if node is None:
        return None
    if not isinstance(node, dict):
        raise fail("[last_year] 应为表", ["last_year"])
    for key in node:
        if key not in ("template", "year", "unit", "tables"):
            raise fail(f"[last_year] 中有未知的键 {key}", ["last_year", key])
    if not isinstance(node.get("template"), str) or not isinstance(node.get("year"), int):
        raise fail("[last_year] 需要 template（上年模板编号）和 year（上年年度）", ["last_year"])
    if not isinstance(node.get("unit", ""), str):
        raise fail("last_year.unit 应为文字", ["last_year", "unit"])
    try:
        template = get_template(node["template"])
    except TemplateError as exc:
        raise fail(str(exc), ["last_year", "template"]) from exc
    if not MIN_YEAR <= node["year"] <= MAX_YEAR:
        raise fail(f"last_year.year 的值 {node['year']} 不是合理的年度", ["last_year", "year"])
    values: dict[str, dict[str, CellValue]] = {}
    tables = node.get("tables", {})
    if not isinstance(tables, dict):
        raise fail("last_year.tables 应为表", ["last_year", "tables"])
    for table_key, cells_node in tables.items():
        table = template.compiled.get(table_key)
        if table is None or not isinstance(cells_node, dict):
            raise fail(f"[last_year] 中有未知的表 {table_key}", ["last_year", "tables", table_key])
        flat: dict[str, Any] = {}
        _flatten_cells(cells_node, "", flat)
        for cell_id, value in flat.items():
            dotted = ["last_year", "tables", table_key, *cell_id.split(".")]
            if cell_id not in table.cells:
                raise fail(f"上年表“{table.title}”没有单元格 {cell_id}", dotted)
            if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
                raise fail(f"last_year.tables.{table_key}.{cell_id} 应为数字", dotted)
            values.setdefault(table_key, {})[cell_id] = value
    return LastYear(template=template.id, year=node["year"], unit=node.get("unit", ""), values=values)


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
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = _TOML_POSITION.search(message)
        line = int(match.group(1)) if match else None
        column = int(match.group(2)) if match else None
        if match is None and "end of document" in message:
            line = text.count("\n") + 1
            column = len(text.rsplit("\n", 1)[-1]) + 1
        reason = _TOML_POSITION.sub("", message).replace("(at end of document)", "").strip()
        hint = next((zh for en, zh in _TOML_HINTS if reason.startswith(en)), None)
        explained = f"{hint}（{reason}）" if hint else reason
        raise ReportFileError(path, f"TOML 格式错误：{explained}", line, column) from exc
    return report_from_data(data, path, text)


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
            "level": report.level,
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


def dumps_report(report: Report) -> str:
    data = _plain_decimals(report_to_data(report))
    return tomli_w.dumps(data, multiline_strings=True)


def _same(a: Report, b: Report) -> bool:
    return a.model_dump() == b.model_dump()


def save_report(report: Report, path: Path | str, *, expect: tuple[int, int] | None = None) -> bytes:
    """Serialize, prove the text reads back as the same report, then replace the file atomically
    (``expect``: see :func:`atomic_write`). Returns the bytes written."""
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
    atomic_write(path, data, expect=expect)
    return data
