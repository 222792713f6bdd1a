"""The report as JSON for other systems (a county's statistics sheet, a website).

Tables come in their official printed layout: rows and columns carry the official labels from the
outermost to the innermost, and each cell its dotted key path in the report file.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from tui_report.model.report import CellValue, Report
from tui_report.model.rules import Finding


def _json_value(value: CellValue | None) -> int | str | None:
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def report_to_json(report: Report, findings: list[Finding] | None = None) -> dict[str, Any]:
    template = report.tpl
    tables: list[dict[str, Any]] = []
    for table in template.compiled.values():
        values = report.table_values(table.key)
        rows = []
        for row in table.rows:
            cells = [
                {
                    "labels": list(col.labels),
                    "value": _json_value(values[f"{row.id}.{col.id}"]),
                    "computed": table.cells[f"{row.id}.{col.id}"].computed,
                    "path": f"tables.{table.key}.{row.id}.{col.id}",
                }
                for col in table.cols_of(row)
            ]
            rows.append({"labels": list(row.labels), "cells": cells})
        tables.append({"key": table.key, "title": table.title, "rows": rows})
    document: dict[str, Any] = {
        "meta": {
            "title": report.title,
            "unit": report.unit,
            "level": report.level,
            "year": report.year,
            "template": report.template,
            "template_version": report.template_version,
        },
        "preamble": {f.key: report.preamble.get(f.key, "") for f in template.preamble},
        "texts": {key: report.texts.get(key, "") for key in template.text_keys()},
        "tables": tables,
    }
    if findings is not None:
        document["findings"] = [f.to_json() for f in findings]
    return document


def dumps_json(report: Report) -> str:
    return json.dumps(report_to_json(report), ensure_ascii=False, indent=2) + "\n"
