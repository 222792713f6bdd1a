"""A review formula in words, for the county office's reviewers: ``requests.new.total -
last:requests.new.total`` → ``本年新收申请 − 上年新收申请``.

The words come from data, never from code: a ``[[year_over_year]]`` entry of ``schemas/review/``
whose formula is one cell names that cell (``新收申请（件）`` → 新收申请, its unit left out); any
other cell is named by the template's labels, its row and then its column, each by the shortest
run of labels (innermost last, numbering and notes in parentheses left out) that no other row or
column of the table shares: ``予以公开·总计``, ``未经复议直接起诉·结果纠正``. A cell of last year
(``last:``) is 上年…; when a formula mixes the two years, this year's cells are 本年….
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from tui_report.model.template import CompiledTable, Leaf, Template

LAST = "last:"
THIS_YEAR, LAST_YEAR = "本年", "上年"
OPERATORS = {"+": " + ", "-": " − ", "*": " × ", "/": " ÷ ", "(": "（", ")": "）"}

# A label's own numbering: 一、 （一） 1. — and a trailing note or unit in parentheses.
_NUMBERING = re.compile(r"^\s*(?:[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、|\d+[.．、])\s*")
_UNIT = re.compile(r"\s*[（(][^（()）]*[）)]\s*$")


def plain_label(label: str) -> str:
    """``（二）部分公开（区分处理的，…）`` → ``部分公开``; ``新收申请（件）`` → ``新收申请``."""
    text = _NUMBERING.sub("", label).strip()
    head = text.split("（")[0].split("(")[0].strip()
    return head or _UNIT.sub("", text) or text


def _shortest_unique(labels: tuple[str, ...], others: Sequence[tuple[str, ...]]) -> list[str]:
    """The fewest innermost labels of ``labels`` that no other label chain ends with."""
    words = [plain_label(label) for label in labels if plain_label(label)]
    chains = [[plain_label(label) for label in other if plain_label(label)] for other in others]
    for size in range(1, len(words) + 1):
        tail = words[-size:]
        if sum(1 for chain in chains if chain[-size:] == tail) <= 1:
            return tail
    return words


def cell_words(table: CompiledTable, cell_id: str) -> str:
    """A cell in words from the template's labels: ``予以公开·总计``, ``行政复议·结果纠正``."""
    cell = table.cells[cell_id]
    rows = _shortest_unique(cell.row.labels, [r.labels for r in table.rows])
    cols = _shortest_unique(cell.col.labels, [c.labels for c in table.cols_of(cell.row)])
    if rows and cols and rows[-1] == cols[-1]:
        # （七）总计 in the 总计 column: the row's parent says which total.
        rows = _longer(cell.row, rows)
        cols = []
    return "·".join([*rows, *cols])


def _longer(row: Leaf, words: list[str]) -> list[str]:
    chain = [plain_label(label) for label in row.labels if plain_label(label)]
    return chain[-(len(words) + 1) :] if len(chain) > len(words) else words


def figure_names(entries: Sequence[tuple[str, str]]) -> dict[str, str]:
    """Cell key → name, from (name, formula) entries whose formula is one cell (no ``last:``)."""
    names: dict[str, str] = {}
    for name, formula in entries:
        key = formula.strip()
        if re.fullmatch(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+", key):
            names.setdefault(key, plain_label(name))
    return names


def term_words(key: str, template: Template, names: Mapping[str, str], both_years: bool) -> str:
    """One cell key of a formula (``last:`` for last year's) in words."""
    cell_key = key.removeprefix(LAST)
    words = names.get(cell_key)
    if words is None:
        table_key, _, cell_id = cell_key.partition(".")
        words = cell_words(template.table(table_key), cell_id)
    bare = words.removeprefix(THIS_YEAR).removeprefix(LAST_YEAR)
    if key.startswith(LAST):
        return LAST_YEAR + bare
    return THIS_YEAR + bare if both_years else words


def formula_words(tokens: Sequence[str], template: Template, names: Mapping[str, str]) -> str:
    """A tokenized formula (``model/indicators.tokenize``) in words."""
    both_years = any(t.startswith(LAST) for t in tokens) and any(
        t[0].isalpha() and not t.startswith(LAST) for t in tokens
    )
    parts: list[str] = []
    previous = ""
    for token in tokens:
        if token[0].isalpha():
            parts.append(term_words(token, template, names, both_years))
        elif token == "-" and previous in ("", "(", "+", "-", "*", "/"):
            parts.append("−")  # a sign, not a subtraction
        elif token in OPERATORS:
            parts.append(OPERATORS[token])
        else:
            parts.append(token)
        previous = token
    return "".join(parts).replace("） ", "）").replace(" （", "（").strip()
