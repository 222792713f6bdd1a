"""The shape of a report file, as strict Pydantic models: what sections and keys exist and what
type each value has. Unknown keys are refused (``extra="forbid"``), nothing is coerced
(``strict=True``: ``year = "2025"`` or ``unit = 5`` is an error, not a guess).

What depends on the template (which preamble keys, text parts, tables and cells exist) is checked
after this, in :mod:`tui_report.storage.reportfile`. :func:`explain` turns the first validation
error into one Chinese sentence and the key path it is about (for the line number).
"""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class MetaSection(_Strict):
    """``[report]``"""

    template: str
    template_version: int | None = None
    unit: str = ""
    level: str = ""  # absent or "": not chosen yet (Report.level None)
    year: int


class ExportSection(_Strict):
    """``[export]``"""

    subheadings: str = "own-line"


class LastYearSection(_Strict):
    """``[last_year]``"""

    template: str
    year: int
    unit: str = ""
    tables: dict[str, dict[str, Any]] = {}


class ReportFileModel(_Strict):
    """A whole report file."""

    report: MetaSection
    preamble: dict[str, str] = {}
    texts: dict[str, dict[str, str]] = {}
    tables: dict[str, dict[str, Any]] = {}
    export: ExportSection = ExportSection()
    last_year: LastYearSection | None = None


_SECTION_MODELS: dict[str, type[BaseModel]] = {
    "": ReportFileModel,
    "report": MetaSection,
    "export": ExportSection,
    "last_year": LastYearSection,
}

# Missing keys that deserve an example.
_MISSING = {
    ("report",): "缺少 [report] 部分（模板、单位、年度）",
    ("report", "template"): '[report] 缺少 template（模板编号），例如 template = "gov-info-disclosure-2021"',
    ("report", "year"): "[report] 缺少 year（年度）",
    ("last_year", "template"): "[last_year] 需要 template（上年模板编号）和 year（上年年度）",
    ("last_year", "year"): "[last_year] 需要 template（上年模板编号）和 year（上年年度）",
}
_KINDS = {
    "int_type": "整数",
    "string_type": "文字",
    "dict_type": "表",
    "model_type": "表",
    "model_attributes_type": "表",
}


def type_name(value: object) -> str:
    """How a value read from TOML is named in a message."""
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:40] + "…"
        return f"文字“{shown}”"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (list, tuple)):
        return "数组"
    if isinstance(value, dict):
        return "表"
    return type(value).__name__


def suggest(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f"，是不是“{close[0]}”？" if close else ""


def explain(error: ValidationError) -> tuple[str, list[str]]:
    """The first problem as (Chinese message, key path)."""
    first = error.errors()[0]
    loc = [str(part) for part in first["loc"]]
    kind = first["type"]
    if kind == "extra_forbidden":
        return _unknown_key(loc), loc
    if kind == "missing":
        parent = loc[:-1]
        text = _MISSING.get(tuple(loc)) or f"[{'.'.join(parent)}] 缺少 {loc[-1]}"
        return text, parent or loc
    expected = _KINDS.get(kind, "正确的类型")
    where = ".".join(loc)
    if expected == "表" and len(loc) == 1:
        return f"[{where}] 应为表", loc
    return f"{where} 应为{expected}，读到的是{type_name(first.get('input'))}", loc


def _unknown_key(loc: list[str]) -> str:
    key, parent = loc[-1], loc[:-1]
    model = _SECTION_MODELS.get(".".join(parent))
    known = list(model.model_fields) if model is not None else []
    if not parent:
        return f"未知的部分 [{key}]" + suggest(key, known)
    return f"[{'.'.join(parent)}] 中有未知的键 {key}" + suggest(key, known)
