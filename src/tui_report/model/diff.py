"""Noticing outside changes and showing them field by field.

A :class:`Fingerprint` records the file as it was loaded (device, inode, size, mtime in ns and the
SHA-256 of its bytes). Before a save, and when the operator returns to the app, the file is compared
again; the bytes decide (a file rewritten within the same mtime tick, or touched without change, is
judged by its content).

Differences are shown per field — a table cell, a text part, a preamble line — with Chinese labels
from the template, and a three-way merge puts "my" edits and "their" edits together when they do
not touch the same field.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from tui_report.model.report import FIELD_LABELS, Report, format_value
from tui_report.model.template import Template, TemplateError

_META_LABELS = FIELD_LABELS


# ---------------------------------------------------------------------- field-level diff


@dataclass(frozen=True)
class FieldChange:
    key: str  # dotted path as in the report file: tables.requests.new.natural, texts.overview.summary
    label: str  # Chinese, for the operator: 表“收到和处理政府信息公开申请情况” 一·自然人
    old: str  # display text; '' = not filled
    new: str

    def line(self, width: int = 30) -> str:
        """``label：old → new`` in one line, each side at most ``width`` characters: where a long
        text changed, both sides show the first difference with a little of what comes before it
        (never two identical beginnings)."""
        old, new = difference_excerpts(self.old, self.new, width)
        return f"{self.label}：{old or '（空）'} → {new or '（空）'}"


# Characters shown before the first difference: enough to say where in the text it is.
CONTEXT_BEFORE = 8
ELLIPSIS = "…"


def difference_excerpts(old: str, new: str, width: int = 30) -> tuple[str, str]:
    """The two texts (whitespace runs as one space) cut to ``width`` characters around their first
    difference: from a few characters before it (``…成效，在此基础上…``) to what fits after it.
    A text that fits is shown whole."""
    old, new = " ".join(old.split()), " ".join(new.split())
    if len(old) <= width and len(new) <= width:
        return old, new
    start = _common_prefix(old, new)
    lead = _context_start(old if len(old) >= len(new) else new, start, width)
    return _excerpt(old, lead, width), _excerpt(new, lead, width)


def _common_prefix(a: str, b: str) -> int:
    for index, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return index
    return min(len(a), len(b))


def _context_start(text: str, start: int, width: int) -> int:
    """Where an excerpt showing the difference at ``start`` begins: a few characters before it
    (fewer in a narrow width), not inside a Latin word or number."""
    lead = max(0, start - min(CONTEXT_BEFORE, max(1, width // 3)))
    word_start = lead
    while word_start > 0 and _is_word(text[word_start - 1]) and _is_word(text[word_start]):
        word_start -= 1
    if lead - word_start <= CONTEXT_BEFORE:
        return word_start  # a number is shown whole (…12340件), not cut (…40件)
    while lead < start and _is_word(text[lead - 1]) and _is_word(text[lead]):
        lead += 1  # a long Latin word: begin after it
    return lead


def _is_word(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _excerpt(text: str, lead: int, width: int) -> str:
    """``text`` from ``lead``, in at most ``width`` characters, an ellipsis where it was cut."""
    if len(text) <= width and lead == 0:
        return text
    head = ELLIPSIS if lead > 0 else ""
    rest = text[lead:]
    room = max(1, width - len(head))
    if len(rest) > room:
        rest = rest[: max(1, room - 1)] + ELLIPSIS
    return head + rest


FieldValue = str | int | Decimal | None


def flatten(report: Report) -> dict[str, FieldValue]:
    """Every field of a report under its file key. Unfilled cells and texts are absent."""
    out: dict[str, FieldValue] = {}
    for key in _META_LABELS:
        out[key] = getattr(report, key)
    for key, text in report.preamble.items():
        out[f"preamble.{key}"] = text
    for key, text in report.texts.items():
        out[f"texts.{key}"] = text
    for table, cells in report.values.items():
        for cell_id, value in cells.items():
            out[f"tables.{table}.{cell_id}"] = value
    return out


def _display(value: FieldValue) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return format_value(value)
    return str(value)


def field_label(report: Report, key: str) -> str:
    head, _, rest = key.partition(".")
    try:
        template = report.tpl
        if head == "tables":
            table_key, _, cell_id = rest.partition(".")
            table = template.table(table_key)
            cell = table.cells.get(cell_id)
            return f"表“{table.title}” {cell.name if cell else cell_id}"
        if head == "texts":
            return f"正文“{template.text_part(rest).title}”"
        if head == "preamble":
            labels = {f.key: f.label for f in template.preamble}
            return labels.get(rest, rest)
    except (TemplateError, KeyError, ValueError):
        return key
    return _META_LABELS.get(key, key)


def _same_value(a: FieldValue, b: FieldValue) -> bool:
    # 5 and 5.00 are the same amount; an int and an equal Decimal are the same number.
    return a == b and (a is None) == (b is None)


def diff_reports(old: Report, new: Report) -> list[FieldChange]:
    """What changed from ``old`` to ``new``, in file order (metadata, preamble, texts, tables)."""
    a, b = flatten(old), flatten(new)
    changes: list[FieldChange] = []
    for key in _ordered_keys(a, b):
        va, vb = a.get(key), b.get(key)
        if not _same_value(va, vb):
            changes.append(FieldChange(key, field_label(new, key), _display(va), _display(vb)))
    return changes


def _ordered_keys(*maps: dict[str, FieldValue]) -> Iterator[str]:
    seen: set[str] = set()
    for mapping in maps:
        for key in mapping:
            if key not in seen:
                seen.add(key)
                yield key


# ---------------------------------------------------------------------- three-way merge


@dataclass
class MergeResult:
    merged: Report
    conflicts: list[FieldChange]  # old = mine, new = theirs; the merged report keeps mine
    from_theirs: list[FieldChange]  # their edits taken into the merged report


def merge_reports(base: Report, mine: Report, theirs: Report) -> MergeResult:
    """Put my edits (base → mine) and theirs (base → theirs) together.

    A field changed on one side only takes that side's value. A field both changed, differently, is
    a conflict: the merged report keeps mine and the conflict is listed for the operator.
    """
    fb, fm, ft = flatten(base), flatten(mine), flatten(theirs)
    merged: dict[str, FieldValue] = {}
    conflicts: list[FieldChange] = []
    taken: list[FieldChange] = []
    for key in _ordered_keys(fm, ft, fb):
        vb, vm, vt = fb.get(key), fm.get(key), ft.get(key)
        if _same_value(vm, vb):
            value = vt
            if not _same_value(vt, vb):
                taken.append(FieldChange(key, field_label(theirs, key), _display(vb), _display(vt)))
        elif _same_value(vt, vb) or _same_value(vm, vt):
            value = vm
        else:
            value = vm
            conflicts.append(FieldChange(key, field_label(mine, key), _display(vm), _display(vt)))
        if value is not None or key in _META_LABELS:  # a level set back to "not chosen" is an edit
            merged[key] = value
    return MergeResult(_unflatten(merged, mine), conflicts, taken)


def _unflatten(flat: dict[str, FieldValue], like: Report) -> Report:
    preamble: dict[str, str] = {}
    texts: dict[str, str] = {}
    values: dict[str, dict[str, int | Decimal]] = {}
    meta: dict[str, object] = {k: getattr(like, k) for k in _META_LABELS}
    for key, value in flat.items():
        head, _, rest = key.partition(".")
        if head == "preamble" and isinstance(value, str):
            preamble[rest] = value
        elif head == "texts" and isinstance(value, str):
            texts[rest] = value
        elif head == "tables" and isinstance(value, (int, Decimal)):
            table, _, cell_id = rest.partition(".")
            values.setdefault(table, {})[cell_id] = value
        elif key in _META_LABELS:
            meta[key] = value
    return Report.model_validate({**meta, "preamble": preamble, "texts": texts, "values": values})


# ---------------------------------------------------------------------- in a few words

SUMMARY_ITEMS = 4


def change_summary(changes: list[FieldChange], template: Template) -> str:
    """What changed, in a few words, in the order of the printed report: ``改了联系电话、第五部分、
    表三 3 格``; "" when nothing did."""
    places: dict[str, tuple[int, int]] = {}  # what changed → where it first is in the report
    cells: dict[str, int] = {}  # what changed → how many table cells (0: a text or a field)
    for change in changes:
        place, name, count = _changed_thing(change, template)
        places[name] = min(place, places.get(name, place))
        cells[name] = cells.get(name, 0) + count
    ordered = sorted(places, key=places.__getitem__)
    words = [f"{name} {cells[name]} 格" if cells[name] else name for name in ordered]
    if not words:
        return ""
    more = f" 等{len(words)}处" if len(words) > SUMMARY_ITEMS else ""
    return "改了" + "、".join(words[:SUMMARY_ITEMS]) + more


def _changed_thing(change: FieldChange, template: Template) -> tuple[tuple[int, int], str, int]:
    """Where in the report a change is (for the order), the table (counting one cell), text part
    or field it is in."""
    from tui_report.model.copiedrule import part_name

    head, _, rest = change.key.partition(".")
    try:
        if head == "tables":
            table_key = rest.partition(".")[0]
            table = template.table(table_key)
            return (3, list(template.compiled).index(table_key)), table.spec.name or table.title, 1
        if head == "texts":
            return (2, template.text_keys().index(rest)), _short_part(part_name(template, rest)), 0
        if head == "preamble":
            keys = [f.key for f in template.preamble]
            return (1, keys.index(rest) if rest in keys else len(keys)), change.label, 0
    except (KeyError, ValueError, TemplateError):
        return (4, 0), change.label, 0
    meta = list(_META_LABELS)
    return (
        (0, meta.index(change.key) if change.key in meta else len(meta)),
        _META_LABELS.get(change.key, change.label),
        0,
    )


def _short_part(name: str) -> str:
    """``第一部分（二）`` for ``第一部分（二）依申请公开情况``: the numbering says which."""
    match = re.match(r"^(第.{1,3}部分（.{1,3}）)", name)
    return match.group(1) if match else name
