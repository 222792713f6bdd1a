"""The words of a document: title (unit, year), preamble, and each text part by its heading.

Section headings (``一、总体情况``) are the template's; a part heading inside a section
(``（二）依申请公开情况``) is recognised by its number, because units reword them
(``（五）政府信息公开监督保障情况``), and may be run in before the text or on its own line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from rapidfuzz.distance import LCSseq

from tui_report.importers.labels import normalise_label
from tui_report.model.template import Section, Template

_TITLE = re.compile(r"^(?P<unit>.*?)(?P<year>(19|20)\d{2})\s*年度?\s*(?P<rest>.*政府信息公开.*年度报告.*)$")
_PART_NUMBER = re.compile(r"^[（(]([一二三四五六七八九十]{1,3})[）)]")
_NUMERALS = "一二三四五六七八九十"
# Lines that are not the report's words: the draft mark of our own export, page furniture.
_NOISE = re.compile(r"^(草稿|DRAFT|第\s*\d+\s*页.*|-\s*\d+\s*-)$")
HEADING_MIN = 85


@dataclass(slots=True)
class Title:
    unit: str = ""
    year: int | None = None


@dataclass(slots=True)
class Texts:
    title: Title = field(default_factory=Title)
    preamble: dict[str, str] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    sections_found: int = 0
    notes: list[str] = field(default_factory=list)


def read_title(paragraphs: list[str]) -> tuple[Title, int]:
    """Unit and year from the title, which may be split over two or three lines (unit / year and
    report name) and may follow page furniture (a breadcrumb); and how many lines up to its end."""
    for end, paragraph in enumerate(paragraphs[:12]):
        if "年度报告" not in paragraph:
            continue
        found = Title()
        for start in range(end, max(-1, end - 3), -1):
            match = _TITLE.match(re.sub(r"\s+", "", "".join(paragraphs[start : end + 1])))
            if match is None:
                continue
            found = Title(match.group("unit").strip(), int(match.group("year")))
            if found.unit:
                break
        return found, end + 1
    return Title(), 0


def _section_of(paragraph: str, template: Template, start: int) -> int | None:
    """Index of the section whose heading this paragraph is (searching from ``start``)."""
    text = normalise_label(paragraph)
    if len(text) > 40:
        return None
    for index in range(start, len(template.sections)):
        heading = normalise_label(template.sections[index].heading)
        if text == heading or (text[:2] == heading[:2] and fuzz.ratio(text, heading) >= HEADING_MIN):
            return index
    return None


def section_at(paragraph: str, template: Template) -> int | None:
    """Index of any section whose heading this line is."""
    return _section_of(paragraph, template, 0)


def _part_lead(paragraph: str, section: Section, after: int) -> tuple[int, str] | None:
    """(part index, the paragraph without its heading) when it opens a numbered part after ``after``."""
    match = _PART_NUMBER.match(paragraph.strip())
    if match is None:
        return None
    number = match.group(1)
    headed = [i for i, part in enumerate(section.texts) if part.heading]
    for i in headed:
        heading = section.texts[i].heading or ""
        if i > after and _PART_NUMBER.match(heading) and _PART_NUMBER.match(heading).group(1) == number:  # type: ignore[union-attr]
            rest = paragraph.strip()
            stop = rest.find("。")
            if 0 < stop <= 40 and _is_heading(rest[:stop], heading):
                return i, rest[stop + 1 :].strip()
            if len(rest) <= 40:
                return i, ""
            return i, rest
    return None


def _is_heading(printed: str, heading: str) -> bool:
    """Whether a run-in lead is the part's heading, perhaps reworded (most of its words kept)."""
    a, b = normalise_label(printed), normalise_label(heading)
    return LCSseq.similarity(a, b) >= 0.7 * len(b)


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


def read_texts(paragraphs: list[str], template: Template) -> Texts:
    result = Texts()
    lines = [p for p in paragraphs if not _NOISE.match(p.strip())]
    result.title, used = read_title(lines)
    lines = lines[used:]
    section: int | None = None
    part = -1
    collected: dict[str, list[str]] = {}
    before_first: list[str] = []
    for line in lines:
        found = _section_of(line, template, 0 if section is None else section + 1)
        if found is not None:
            section, part = found, -1
            result.sections_found += 1
            continue
        if section is None:
            before_first.append(line)
            continue
        current = template.sections[section]
        if not current.texts:
            continue  # notes under a table's section heading are not a text part
        lead = _part_lead(line, current, part) if len(current.texts) > 1 else None
        if lead is not None:
            part, line = lead
            if not line:
                collected.setdefault(f"{current.key}.{current.texts[part].key}", [])
                continue
        elif part < 0:
            part = 0
        key = f"{current.key}.{current.texts[part].key}"
        collected.setdefault(key, []).append(line.strip())
    result.preamble = _preamble(before_first, template)
    result.texts = {k: "\n".join(v) for k, v in collected.items() if v}
    return result
