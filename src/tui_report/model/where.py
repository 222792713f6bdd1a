"""Where a finding points, in the words of the report's own headings: ``表三 一·自然人、二·自然人
等4处``, ``第五部分``. ``check`` prints it after each finding and the workbook's 问题 sheet shows it
in 位置; the report file's key paths (``tables.requests.new.natural``) are for ``--json`` and the
sheet's last column only."""

from __future__ import annotations

from collections.abc import Sequence

from tui_report.model.copiedrule import part_name
from tui_report.model.rules import Location, describe_location
from tui_report.model.template import Template

SHOWN_LOCATIONS = 3


def describe_locations(template: Template | None, locations: Sequence[Location]) -> str:
    """The first :data:`SHOWN_LOCATIONS` places, cells of one table after its name, then
    ``等N处`` when there are more."""
    if template is None:
        return ""
    groups: list[tuple[str, list[str]]] = []  # (table name or "", names)
    for loc in locations[:SHOWN_LOCATIONS]:
        if loc.table is not None and loc.table in template.compiled:
            table = template.table(loc.table)
            name = table.spec.name or table.title
            cell = table.cells[loc.cell].name if loc.cell and loc.cell in table.cells else ""
            if groups and groups[-1][0] == name:
                groups[-1][1].append(cell)
            else:
                groups.append((name, [cell]))
        elif loc.text is not None and loc.text in template.text_keys():
            groups.append(("", [part_name(template, loc.text)]))
        else:
            groups.append(("", [describe_location(template, loc)]))
    parts = [" ".join(p for p in (head, "、".join(c for c in cells if c)) if p) for head, cells in groups]
    where = "；".join(p for p in parts if p)
    if len(locations) > SHOWN_LOCATIONS:
        where += f" 等{len(locations)}处"
    return where
