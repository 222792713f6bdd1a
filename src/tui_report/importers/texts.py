"""The words of a document: title (unit, year), preamble, signature, and each text part by meaning.

Every paragraph is accounted for: it is page furniture (a page number, a repeated title), the title,
the preamble, a heading, table content, the signature, text placed in a part — or it is listed in
the notes as "未归入任何部分" with its first words. Parts are found by what their headings say
(:mod:`tui_report.importers.headings`, the vocabulary in ``schemas/mappings/import.toml``), not by
their position: a department that numbers its own text parts 一–六 before numbering the tables 一–三,
a 一 with "（一）基本情况 / （二）主要做法" and numbered items, a "五、存在的主要问题及整改措施". Every placement
that is not the template's own heading is a note naming the part it went to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tui_report.importers.accounting import Accounting as Accounting  # where the paragraphs went
from tui_report.importers.headings import heading_of
from tui_report.importers.labels import normalise_label
from tui_report.importers.notes import ImportNote
from tui_report.importers.placement import Placer
from tui_report.importers.source import Grid
from tui_report.importers.vocabulary import Vocabulary, vocabulary
from tui_report.model.template import Template

_SENTENCE_END = "。！？；：.!?;:”」』）)"
# A paragraph cut by a page number is a body paragraph (a title or a breadcrumb is shorter).
_CUT_LINE_MIN = 20


@dataclass(slots=True)
class Title:
    unit: str = ""
    year: int | None = None
    text: str = ""


@dataclass(slots=True)
class Texts:
    title: Title = field(default_factory=Title)
    preamble: dict[str, str] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    sections_found: int = 0
    notes: list[ImportNote] = field(default_factory=list)
    # Where the unit's name was found: "title", "signature", "preamble" or "" (not found).
    unit_source: str = ""
    signature_unit: str = ""
    accounting: Accounting = field(default_factory=Accounting)


def read_title(paragraphs: list[str], vocab: Vocabulary | None = None) -> tuple[Title, int, int]:
    """Unit and year from the title, which may be split over lines (unit / year and report name),
    carry spaces ("2024 年"), put the unit after the year, and follow page furniture (a
    breadcrumb); and the title's first and last line (end exclusive)."""
    vocab = vocab or vocabulary()
    for end, paragraph in enumerate(paragraphs[: vocab.title_search_lines]):
        if "年度报告" not in "".join(paragraph.split()):
            continue
        found: Title | None = None
        first = end
        for start in range(end, max(-1, end - vocab.title_max_lines), -1):
            joined = "".join("".join(paragraphs[start : end + 1]).split())
            match = vocab.title.match(joined)
            if match is None:
                continue
            unit = (match.group("before") or match.group("after") or "").strip("：:，,")
            found, first = Title(unit, int(match.group("year")), joined[: match.end()]), start
            if found.unit:
                break
        if found is not None:  # else a breadcrumb or a link that says 年度报告: look further
            return found, first, end + 1
    return Title(), 0, 0


def document_year(blocks: list[str | Grid]) -> int | None:
    """The report year its title gives, before a format is chosen (a title reads the same in every
    format): which format the document's year calls for weighs in the choice."""
    vocab = vocabulary()
    paragraphs = [b for b in _drop_furniture(blocks, vocab, Accounting()) if isinstance(b, str)]
    return read_title(paragraphs, vocab)[0].year


def _preamble(paragraphs: list[str], template: Template) -> dict[str, str]:
    """``标签：值`` fields by the template's labels; sentences by what they say."""
    out: dict[str, str] = {}
    labels = {f.label: f.key for f in template.preamble}
    sentences: list[str] = []
    for paragraph in paragraphs:
        pieces = re.split(r"[；;]", paragraph.rstrip("。"))
        fields = [p.split("：", 1) for p in pieces if "：" in p and p.split("：", 1)[0].strip() in labels]
        if fields and len(fields) == len(pieces):
            for label, value in fields:
                out[labels[label.strip()]] = value.strip()
            continue
        sentences.extend(s + "。" for s in paragraph.split("。") if s.strip())
    keys = {f.key for f in template.preamble}
    joined: dict[str, list[str]] = {}  # joined once at the end: linear in the preamble's length
    for sentence in sentences:
        key = (
            "period"
            if "统计期限" in sentence
            else "published_at"
            if re.search(r"网址|网站|http|www\.", sentence)
            else "basis"
        )
        if key in keys:
            joined.setdefault(key, [out[key]] if key in out else []).append(sentence)
    out.update({key: "".join(parts) for key, parts in joined.items()})
    return out


def _signature(paragraphs: list[str], vocab: Vocabulary) -> tuple[int, str]:
    """Where the signature block at the end begins (len(paragraphs) when there is none) and the
    unit it names ("某某县发展和改革局" above "2024年1月17日")."""
    tail = max(0, len(paragraphs) - vocab.signature_lines)
    for index in range(len(paragraphs) - 1, tail - 1, -1):
        if vocab.signature_date.match("".join(paragraphs[index].split())):
            above = "".join(paragraphs[index - 1].split()) if index > tail else ""
            if above and len(above) <= 30 and not any(c in above for c in "。，；："):
                return index - 1, above
            return index, ""
    return len(paragraphs), ""


def _preamble_unit(paragraphs: list[str], vocab: Vocabulary) -> str:
    for paragraph in paragraphs:
        found = vocab.preamble_unit.search("".join(paragraph.split()))
        if found is not None:
            unit = found.group("unit")
            office = vocab.office.match(unit)
            return office.group("government") if office is not None else unit
    return ""


def _drop_furniture(blocks: list[str | Grid], vocab: Vocabulary, accounting: Accounting) -> list[str | Grid]:
    """Page numbers out; a paragraph cut by one (a web page copied from a PDF) joined again."""
    out: list[str | Grid] = []
    join = False
    for block in blocks:
        if isinstance(block, str) and vocab.is_page_number(block):
            accounting.add("furniture", block)
            join = bool(out) and isinstance(out[-1], str)
            continue
        previous = out[-1] if out else None
        if (
            join
            and isinstance(block, str)
            and isinstance(previous, str)
            and len("".join(previous.split())) >= _CUT_LINE_MIN
            and previous.rstrip()[-1:] not in _SENTENCE_END
            and not _starts_heading(block)
            and not _starts_heading(previous)
        ):
            out[-1] = previous.rstrip() + block.strip()
        else:
            out.append(block)
        join = False
    return out


def _starts_heading(line: str) -> bool:
    return heading_of(line) is not None


def read_texts(blocks: list[str | Grid], template: Template, furniture: list[str] | None = None) -> Texts:
    """Title, preamble, signature and the text parts of a document's blocks (paragraphs and
    tables in reading order). ``furniture`` are lines the reader already dropped (PDF page
    numbers, running headers), counted in the accounting."""
    vocab = vocabulary()
    result = Texts()
    for line in furniture or []:
        result.accounting.add("furniture", line)
    blocks = _drop_furniture(blocks, vocab, result.accounting)
    paragraphs = [b for b in blocks if isinstance(b, str)]
    result.title, first, end = read_title(paragraphs, vocab)
    for index, line in enumerate(paragraphs[:end]):
        result.accounting.add("title" if index >= first else "furniture", line)  # a breadcrumb before it
    signature_at, result.signature_unit = _signature(paragraphs, vocab)
    for line in paragraphs[signature_at:]:
        result.accounting.add("signature", line)
    body = _body(blocks, end, signature_at)
    title_key = normalise_label(result.title.text)
    kept: list[str | Grid] = []
    for block in body:
        if isinstance(block, str) and title_key and normalise_label(block) == title_key:
            result.accounting.add("furniture", block)  # the title repeated as the body's first line
        else:
            kept.append(block)
    placed = Placer(template, result.accounting).place(kept)
    result.preamble = _preamble(placed.preamble, template)
    result.texts = placed.texts
    result.notes = placed.notes
    result.sections_found = placed.sections_found
    if result.title.unit:
        result.unit_source = "title"
    elif result.signature_unit:
        result.title.unit, result.unit_source = result.signature_unit, "signature"
    else:
        unit = _preamble_unit(placed.preamble, vocab)
        if unit:
            result.title.unit, result.unit_source = unit, "preamble"
    return result


def _body(blocks: list[str | Grid], title_end: int, signature_at: int) -> list[str | Grid]:
    """The blocks after the title's paragraphs and before the signature's."""
    out: list[str | Grid] = []
    seen = 0
    for block in blocks:
        if isinstance(block, str):
            seen += 1
            if seen <= title_end or seen > signature_at:
                continue
        out.append(block)
    return out
