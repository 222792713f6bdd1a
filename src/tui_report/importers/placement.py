"""Placing a document's paragraphs in the report's parts by what they say.

The paragraphs between the title and the signature are read in order by a small state machine:

- a part heading (``一、`` level) is the template's own (its words, whatever its number), a variant
  the vocabulary names ("五、存在的主要问题及整改措施"), or — before the tables, with no table under it —
  a department's own text part ("二、工作机制保障") that belongs to one of the five parts of 一;
- under 一, a sub-heading (``（一）``) goes to the part its words name; its number agreeing with the
  template's makes it exact (no note). A sub-heading about none of them ("（一）基本情况", "（二）主要做法")
  collects what follows: each numbered item under it goes to the part its words, or failing that its
  text, are about; what fits none goes to the summary;
- in the sections that hold tables, a paragraph made of the tables' own labels and numbers is table
  content; a sub-heading naming 五 or 六 ("（一）主要问题") starts that part; anything else is listed as
  "未归入任何部分".

Every placement that is not the template's own heading is a note naming where the text went.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from tui_report.importers.headings import (
    Heading,
    heading_of,
    section_by_words,
    shorten,
    template_part,
    template_section,
    topic_of_text,
    topic_of_words,
)
from tui_report.importers.labels import is_value, normalise_label, value_text
from tui_report.importers.notes import ImportNote
from tui_report.importers.source import Grid
from tui_report.model.template import Section, Template

if TYPE_CHECKING:
    from tui_report.importers.accounting import Accounting

Mode = Literal["preamble", "overview", "fixed", "tables"]
OVERVIEW = "overview"


@dataclass(slots=True)
class Placed:
    preamble: list[str]
    texts: dict[str, str]
    notes: list[ImportNote]
    sections_found: int


@dataclass(slots=True)
class _Container:
    """What follows a sub-heading of 一 about no part (or 一's own opening lines: label None)."""

    label: str | None
    lines: list[str] = field(default_factory=list)


_CORPUS: dict[tuple[str, int], str] = {}


def _table_corpus(template: Template) -> str:
    """Every label, caption and corner of the template's tables, normalised, one per line."""
    cached = _CORPUS.get((template.id, template.version))
    if cached is not None:
        return cached
    words: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key in ("label", "caption", "corner", "title") and isinstance(item, str):
                    words.append(normalise_label(item))
                elif key not in ("rules",):
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for table in template.tables:
        walk(table.model_dump())
    corpus = _CORPUS[(template.id, template.version)] = "\n".join(words)
    return corpus


def is_table_text(line: str, template: Template) -> bool:
    """A line made of the template's table labels (or pieces of them) and numbers: a table typed as
    text, a wrapped label, a caption between two tables."""
    corpus = _table_corpus(template)
    tokens = line.split()
    labels = [normalise_label(t) for t in tokens if not (is_value(t) and value_text(t))]
    if not labels:
        return any(value_text(t) for t in tokens)
    return all(len(label) >= 2 and label in corpus for label in labels) or (
        len(labels) == 1 and len(labels[0]) == 1 and len(tokens) > 1
    )


def _tabular(block: str | Grid, template: Template) -> bool:
    if not isinstance(block, str):
        return True
    return is_table_text(block, template) and any(is_value(t) and value_text(t) for t in block.split())


class Placer:
    def __init__(self, template: Template, accounting: Accounting) -> None:
        self.template = template
        self.accounting = accounting
        self.sections = {s.key: s for s in template.sections}
        self.collected: dict[str, list[str]] = {}
        self.notes: list[ImportNote] = []
        self.preamble: list[str] = []
        self.mode: Mode = "preamble"
        self.section: str | None = None
        self.target = ""
        self.container: _Container | None = None
        self.overview_area = True
        self.sections_found = 0

    # ------------------------------------------------------------------ driving

    def place(self, blocks: list[str | Grid]) -> Placed:
        tables_after = self._tables_after(blocks)
        for index, block in enumerate(blocks):
            if isinstance(block, str):
                self._line(block, tables_after.get(index, False))
        self._flush_container()
        texts = {key: "\n".join(lines) for key, lines in self.collected.items() if lines}
        return Placed(self.preamble, texts, self.notes, self.sections_found)

    def _tables_after(self, blocks: list[str | Grid]) -> dict[int, bool]:
        """For each part heading: whether tables follow it before the next part heading."""
        heads = [i for i, b in enumerate(blocks) if isinstance(b, str) and self._part_heading(b) is not None]
        out: dict[int, bool] = {}
        for k, start in enumerate(heads):
            stop = heads[k + 1] if k + 1 < len(heads) else len(blocks)
            out[start] = any(_tabular(b, self.template) for b in blocks[start + 1 : stop])
        return out

    def _part_heading(self, line: str) -> Heading | None:
        heading = heading_of(line)
        if heading is None or heading.level != "part" or is_table_text(line, self.template):
            return None
        if template_section(line, self.template) is not None:
            return heading
        if section_by_words(heading.words, True) or section_by_words(heading.words, False):
            return heading
        return heading if topic_of_words(heading.words, self.template) and not heading.rest else None

    def _line(self, line: str, tables_after: bool) -> None:
        heading = heading_of(line)
        if heading is not None and heading.level == "part" and self._top(heading, line, tables_after):
            return
        if self.mode == "preamble":
            if (
                heading is not None
                and heading.level == "sub"
                and template_part(heading, self.template, OVERVIEW)[1] in ("words", "number")
            ):
                self._enter_section(OVERVIEW, "", exact=True, counted=False)  # 一's heading left out
            else:
                self.preamble.append(line)
                self.accounting.add("preamble", line)
                return
        if self.mode == "overview":
            self._overview_line(line, heading)
        elif self.mode == "fixed":
            self._put(self.target, line)
        else:
            self._table_line(line, heading)

    # ------------------------------------------------------------------ part headings (一、)

    def _top(self, heading: Heading, line: str, tables_after: bool) -> bool:
        """Whether a part-level line starts a part (it is then consumed)."""
        if is_table_text(line, self.template):
            return False
        match = template_section(line, self.template)
        if match is not None:
            section, exact = match.section, match.exact
        else:
            found = section_by_words(heading.words, tables_after)
            if found is None and self.overview_area and not tables_after and not heading.rest:
                topic = topic_of_words(heading.words, self.template)
                if topic is not None:
                    self._enter_topic(heading, topic)
                    return True
            if found is None or (found == self.section and self.mode == "fixed"):
                return False  # the part's own numbering ("一、…有待加强"): text
            section, exact = found, False
        self.accounting.add("heading", line[: len(line) - len(heading.rest)])
        self._enter_section(section, heading.shown, exact)
        if heading.rest:
            self._line(heading.rest, False)
        return True

    def _enter_section(self, key: str, shown: str, exact: bool, counted: bool = True) -> None:
        self._flush_container()
        self.sections_found += int(counted)
        self.section = key
        section = self.sections[key]
        if key != OVERVIEW:
            self.overview_area = False
        if not exact:
            self.notes.append(
                ImportNote("info", f"“{shown}”按“{section.heading}”读入。", self._location_of(section))
            )
        if len(section.texts) > 1:
            self.mode, self.target = "overview", f"{key}.{section.texts[0].key}"
            self.container = _Container(None)
        elif section.texts:
            self.mode, self.target = "fixed", f"{key}.{section.texts[0].key}"
        else:
            self.mode, self.target = "tables", ""

    def _enter_topic(self, heading: Heading, topic: str) -> None:
        """A department's own text part numbered as a part ("二、工作机制保障"): into a part of 一."""
        self._flush_container()
        self.accounting.add("heading", heading.line)
        self.section, self.mode, self.target = OVERVIEW, "fixed", topic
        overview = self.sections[OVERVIEW]
        self.notes.append(
            ImportNote(
                "warning",
                f"“{heading.shown}”归入{overview.heading}{self._title(topic)}，请核对。",
                f"texts.{topic}",
            )
        )

    # ------------------------------------------------------------------ inside 一

    def _overview_line(self, line: str, heading: Heading | None) -> None:
        if heading is not None and heading.level == "sub" and self._is_overview_heading(heading):
            key, agreement = template_part(heading, self.template, OVERVIEW)
            self._flush_container()
            self.accounting.add("heading", line[: len(line) - len(heading.rest)])
            if key is not None:
                self.target = key
                if agreement == "topic":
                    self.notes.append(
                        ImportNote(
                            "warning", f"“{heading.shown}”归入{self._title(key)}，请核对。", f"texts.{key}"
                        )
                    )
            else:
                self.container = _Container(heading.shown)
            if heading.rest:
                self._overview_line(heading.rest, None)
            return
        if self.container is not None:
            self.container.lines.append(line)
        else:
            self._put(self.target, line)

    def _is_overview_heading(self, heading: Heading) -> bool:
        """A Chinese-numbered sub-heading is one of 一's; "（2）" is one only when it carries a part's
        own words (a misprinted "（二）依申请公开情况"), else it numbers points inside the text."""
        if heading.mark.strip("（()） ").isdigit():
            return template_part(heading, self.template, OVERVIEW)[1] == "words"
        return True

    def _flush_container(self) -> None:
        container, self.container = self.container, None
        if container is None or not container.lines:
            return
        summary = f"{OVERVIEW}.{self.sections[OVERVIEW].texts[0].key}"
        for item, lines in _items(container.lines):
            text = "\n".join(lines)
            if item is None:
                topic = None if container.label is None else topic_of_text(text, self.template)
                key = topic or summary
                if container.label is not None:
                    how = (
                        f"按内容归入{self._title(key)}"
                        if topic
                        else f"未能按内容归类，已归入{self._title(key)}"
                    )
                    self.notes.append(
                        ImportNote("warning", f"“{container.label}”下的文字{how}，请核对。", f"texts.{key}")
                    )
            else:
                key = (
                    topic_of_words(item.words, self.template) or topic_of_text(text, self.template) or summary
                )
                under = f"“{container.label}”下的" if container.label else ""
                self.notes.append(
                    ImportNote(
                        "warning", f"{under}“{item.shown}”归入{self._title(key)}，请核对。", f"texts.{key}"
                    )
                )
            for line in lines:
                self._put(key, line)

    # ------------------------------------------------------------------ in the table parts

    def _table_line(self, line: str, heading: Heading | None) -> None:
        if is_table_text(line, self.template):
            self.accounting.add("tables", line)
            return
        if heading is not None and heading.level in ("sub", "part"):
            found = section_by_words(heading.words, False)
            section = self.sections.get(found or "")
            if section is not None and found != OVERVIEW and len(section.texts) == 1:
                self._flush_container()
                self.section, self.mode, self.target = (
                    section.key,
                    "fixed",
                    f"{section.key}.{section.texts[0].key}",
                )
                self.overview_area = False
                self.notes.append(
                    ImportNote(
                        "warning",
                        f"“{heading.shown}”及其后的文字归入“{section.heading}”，请核对。",
                        f"texts.{self.target}",
                    )
                )
                self._put(self.target, line)
                return
        self.accounting.add("unplaced", line)
        where = self._location_of(self.sections[self.section]) if self.section else "texts"
        self.notes.append(
            ImportNote("warning", f"以下文字未归入任何部分：“{shorten(line, 20)}”，请核对。", where)
        )

    # ------------------------------------------------------------------ helpers

    def _put(self, key: str, line: str) -> None:
        if line.strip():
            self.collected.setdefault(key, []).append(line.strip())
            self.accounting.add("text", line)

    def _title(self, key: str) -> str:
        part = self.template.text_part(key)
        return part.heading if part.heading else f"“{part.title}”"

    @staticmethod
    def _location_of(section: Section) -> str:
        if section.texts:
            return f"texts.{section.key}.{section.texts[0].key}"
        return f"tables.{section.tables[0]}" if section.tables else f"texts.{section.key}"


def _items(lines: list[str]) -> list[tuple[Heading | None, list[str]]]:
    """Lines grouped by the numbered items that start them ("1.加强组织领导，健全工作机制")."""
    groups: list[tuple[Heading | None, list[str]]] = [(None, [])]
    for line in lines:
        heading = heading_of(line)
        if heading is not None and heading.level == "item":
            groups.append((heading, [line]))
        else:
            groups[-1][1].append(line)
    return [(item, lines) for item, lines in groups if lines]
