"""Copied text (R15): each text part compared with last year's report of the same unit and with the
other reports in the same folder.

The rule, its threshold and its messages are data (``schemas/checks/copied-text.toml``). Texts are
compared after normalisation, by rapidfuzz's Indel ratio, which is computed in C and bounded by the
lengths first, so that a folder of 100 reports × 8 parts takes well under a second.

The ratio costs the product of the two lengths, so a part longer than the rule's ``compared_chars``
is compared by its beginning and its end only (half of them each): a real part (hundreds to a few
thousand characters) is compared whole, and a 150,000-character part costs what an 8,000-character
one does. Two texts whose lengths alone keep them below the threshold (the ratio is at most
2·min/(a+b)) are never taken for copies, however alike their beginnings and ends are.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from rapidfuzz import fuzz, process

from tui_report.model.copiedrule import CopiedTextRule, copied_text_rule, part_name
from tui_report.model.report import Report
from tui_report.model.rules import Finding, Location
from tui_report.model.template import get_template

# Everything but letters and digits: punctuation, spaces, symbols, control characters (one C-speed
# pass instead of a category lookup per character; combining marks go too, which Chinese lacks).
_DROPPED = re.compile(r"[\W_]+")


def _fold(text: str) -> str:
    # Dropped before folding too: what is left is mostly letters, which NFKC passes at C speed.
    return _DROPPED.sub("", unicodedata.normalize("NFKC", _DROPPED.sub("", text)))


@lru_cache(maxsize=4096)
def normalise_text(text: str) -> str:
    """The words of a text: full-width folded, spaces, punctuation and symbols removed."""
    return _fold(text)


@dataclass(frozen=True, slots=True)
class ComparedPart:
    """A part as compared: its normalised text (whole, or its first and last ``limit // 2``
    characters) and the length of the whole normalised text."""

    text: str
    length: int


@lru_cache(maxsize=4096)
def compared_part(text: str, limit: int) -> ComparedPart:
    """The normalised part, bounded: only its beginning and end are folded when it is long."""
    words = _DROPPED.sub("", text)
    if len(words) <= limit:
        folded = normalise_text(words)
        return ComparedPart(folded, len(folded))
    half = limit // 2
    head = _fold(words[: 2 * half])[:half]
    tail = _fold(words[-2 * half :])[-half:]
    return ComparedPart(head + tail, len(words))


def may_be_alike(a: int, b: int, threshold: float) -> bool:
    """Whether texts of lengths ``a`` and ``b`` can be ``threshold`` % alike at all: the Indel
    ratio is at most 2·min(a, b)/(a + b)."""
    return a + b > 0 and 200 * min(a, b) >= threshold * (a + b)


def similarity(a: str, b: str, cutoff: float = 0) -> float:
    """Percent similarity of two normalised texts (0 when below ``cutoff``)."""
    return float(fuzz.ratio(a, b, score_cutoff=cutoff))


def part_similarity(a: ComparedPart, b: ComparedPart, threshold: float) -> float:
    """Percent similarity of two compared parts; 0 when their lengths keep them below ``threshold``."""
    if not may_be_alike(a.length, b.length, threshold):
        return 0.0
    return similarity(a.text, b.text, threshold)


SavedFirst = Callable[[int], datetime | None]


@lru_cache(maxsize=256)
def _part_name(template_id: str, key: str) -> str:
    return part_name(get_template(template_id), key)


@dataclass(frozen=True, slots=True)
class _Texts:
    """One report's comparable texts, normalised once."""

    title: str
    texts: dict[str, ComparedPart]


def _comparable(report: Report, rule: CopiedTextRule) -> _Texts:
    texts = {}
    for key, text in report.texts.items():
        part = compared_part(text, rule.compared_chars)
        if part.length >= rule.min_chars:
            texts[key] = part
    return _Texts(f"{report.unit}{report.year}年报告", texts)


def _finding(report: Report, key: str, score: float, theirs: str | None, more: int = 0) -> Finding:
    """One warning for a part: last year's (``theirs`` None) or the most similar other report,
    with how many more reports are as similar."""
    rule = copied_text_rule()
    values = {"part": _part_name(report.template, key), "percent": int(score), "other": theirs or ""}
    message = (rule.message_last_year if theirs is None else rule.message_other).format(**values)
    if more:
        message += rule.message_more.format(count=more, threshold=rule.threshold)
    return Finding(rule.id, rule.severity, message, (Location(text=key),))


def _best_others(report: Report, key: str, matches: list[tuple[float, str]]) -> Finding:
    score, title = max(matches)
    return _finding(report, key, score, title, len(matches) - 1)


def _encode(texts: list[str]) -> list[bytes]:
    """Texts as bytes: the 128 most frequent characters each their own byte, every other character
    one of 128 bytes by its code point. Merging characters can only make texts more alike, so a
    ratio of the bytes is an upper bound of the true ratio, and computing it is several times
    faster than over the characters. (Merging all the rare characters into one byte would make
    texts of many different characters — random text — look alike and pass every pair on.)"""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(text)
    code = {ch: i for i, (ch, _) in enumerate(counts.most_common(128))}
    return [bytes(code.get(ch, 128 + ord(ch) % 128) for ch in text) for text in texts]


def similar_pairs(
    texts: list[str], threshold: float, lengths: list[int] | None = None
) -> list[tuple[int, int, float]]:
    """Index pairs (i < j) of texts at least ``threshold`` % similar, with their similarity.
    ``lengths``: the whole texts' lengths when ``texts`` are bounded parts (:func:`compared_part`)."""
    encoded = _encode(texts)
    pairs: list[tuple[int, int, float]] = []
    for i, query in enumerate(encoded):
        candidates = process.extract(
            query, encoded[i + 1 :], scorer=fuzz.ratio, score_cutoff=threshold, limit=None
        )
        for _, _, offset in candidates:
            j = i + 1 + int(offset)
            if lengths is not None and not may_be_alike(lengths[i], lengths[j], threshold):
                continue
            score = similarity(texts[i], texts[j], threshold)
            if score >= threshold:
                pairs.append((i, j, score))
    return pairs


def folder_copied_text(
    reports: Sequence[Report], max_same_year: int = 300, saved_first: SavedFirst | None = None
) -> list[list[Finding]]:
    """R15 for every report of a folder: each compared with last year's report of the same unit and
    with the other units' reports of the same year. Findings per report, in the given order.

    ``saved_first(i)``: when report ``i`` was first saved (None: unknown). Of two alike reports of
    different units, only the one saved later is told, naming the original and its date; the
    original gets nothing.

    Comparing units is quadratic: a year with more than ``max_same_year`` reports (a stress test,
    not a county) is compared with last year only."""
    rule = copied_text_rule()
    comparable = [_comparable(r, rule) for r in reports]
    out: list[list[Finding]] = [[] for _ in reports]
    index_of = {(r.unit.strip(), r.year): i for i, r in enumerate(reports) if r.unit.strip()}
    for key in sorted({key for c in comparable for key in c.texts}):
        holders = [i for i, c in enumerate(comparable) if key in c.texts]
        for i in holders:
            j = index_of.get((reports[i].unit.strip(), reports[i].year - 1))
            theirs = comparable[j].texts.get(key) if j is not None else None
            if theirs is not None:
                score = part_similarity(comparable[i].texts[key], theirs, rule.threshold)
                if score >= rule.threshold:
                    out[i].append(_finding(reports[i], key, score, None))
        by_year: dict[int, list[int]] = {}
        for i in holders:
            by_year.setdefault(reports[i].year, []).append(i)
        for group in by_year.values():
            if len(group) > max_same_year:
                continue
            alike: dict[int, list[tuple[float, str]]] = {}
            parts = [comparable[i].texts[key] for i in group]
            found = similar_pairs([p.text for p in parts], rule.threshold, [p.length for p in parts])
            for a, b, score in found:
                first, second = group[a], group[b]
                if reports[first].unit.strip() == reports[second].unit.strip():
                    continue
                for copier, original in _copiers(first, second, saved_first):
                    alike.setdefault(copier, []).append(
                        (score, _named(reports, comparable, original, saved_first))
                    )
            for i, matches in alike.items():
                out[i].append(_best_others(reports[i], key, matches))
    return out


def _copiers(a: int, b: int, saved_first: SavedFirst | None) -> list[tuple[int, int]]:
    """(copier, original) of two alike reports: the one saved later copied the one saved first;
    when that is not known (or both at once), each is told about the other."""
    when_a = saved_first(a) if saved_first is not None else None
    when_b = saved_first(b) if saved_first is not None else None
    if when_a is not None and when_b is not None and when_a != when_b:
        return [(b, a)] if when_a < when_b else [(a, b)]
    return [(a, b), (b, a)]


def _named(
    reports: Sequence[Report], comparable: list[_Texts], i: int, saved_first: SavedFirst | None
) -> str:
    """How a finding names the other report: ``高良涧街道办事处 1月8日 保存的报告`` when it is known
    to have been saved first, else its title."""
    when = saved_first(i) if saved_first is not None else None
    if when is None:
        return comparable[i].title
    return copied_text_rule().original.format(unit=reports[i].unit.strip(), month=when.month, day=when.day)
