"""Speed of import and of the copied-text pass, in process, each beside a baseline measured in the
same run: python-docx merely opening the .docx, pdfplumber merely extracting the PDF's text, the
stdlib parser merely tokenising the page, and the naive all-pairs similarity loop.

Targets (#13): import of a .docx ≤ 200 ms, of a 6-page PDF ≤ 1.5 s; 100 reports × 8 parts ≤ 1 s.

Run: python benchmarks/bench_import.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from tui_report.export.office import export_document  # noqa: E402
from tui_report.importers import import_report  # noqa: E402
from tui_report.model.report import Report  # noqa: E402
from tui_report.model.similarity import folder_copied_text, normalise_text  # noqa: E402
from tui_report.storage.reportfile import load_report  # noqa: E402

EXAMPLES = ROOT / "examples"
SAMPLES = ROOT.parent / "shared" / "samples"
PUBLISHED_PDF = SAMPLES / "huaian-city-2024-published.pdf"


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm: imports, template cache
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def open_docx(path: Path) -> object:
    import docx

    return docx.Document(str(path))


def pdf_text(path: Path) -> str:
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        return "".join(page.extract_text() or "" for page in pdf.pages)


def tokenise_html(path: Path) -> None:
    parser = HTMLParser()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()


def folder(n: int, seed: int = 13) -> list[Report]:
    """n reports of one year, each text part a different shuffle of the examples' sentences."""
    rng = random.Random(seed)
    examples = [load_report(EXAMPLES / "dama-2021.toml"), load_report(EXAMPLES / "full-2024.toml")]
    sentences = [
        s for r in examples for t in r.texts.values() for s in t.replace("\n", "。").split("。") if s
    ]
    base = examples[0]
    reports = []
    for i in range(n):
        report = base.model_copy(deep=True)
        report.unit = f"第{i}号单位"
        report.texts = {k: "。".join(rng.sample(sentences, 6)) + "。" for k in base.tpl.text_keys()}
        reports.append(report)
    return reports


def naive_pairs(reports: list[Report]) -> None:
    from rapidfuzz import fuzz

    for i, a in enumerate(reports):
        for b in reports[i + 1 :]:
            for key, text in a.texts.items():
                fuzz.ratio(normalise_text(text), normalise_text(b.texts[key]), score_cutoff=80)


def cold_folder_pass(reports: list[Report]) -> None:
    normalise_text.cache_clear()
    folder_copied_text(reports)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    full = load_report(EXAMPLES / "full-2024.toml")
    rows: list[tuple[str, float, str, float, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        docx_path, html_path, pdf_path = (Path(tmp) / f"full-2024.{s}" for s in ("docx", "html", "pdf"))
        for path in (docx_path, html_path, pdf_path):
            export_document(full, path)
        rows.append(
            (
                "import .docx (our export of full-2024)",
                median_ms(lambda: import_report(docx_path), args.repeat),
                "python-docx opening it",
                median_ms(lambda: open_docx(docx_path), args.repeat),
                "≤ 200 ms",
            )
        )
        rows.append(
            (
                "import .html (our export of full-2024)",
                median_ms(lambda: import_report(html_path), args.repeat),
                "html.parser tokenising it",
                median_ms(lambda: tokenise_html(html_path), args.repeat),
                "",
            )
        )
        rows.append(
            (
                "import .pdf (our export, LibreOffice)",
                median_ms(lambda: import_report(pdf_path), args.repeat),
                "pdfplumber extracting its text",
                median_ms(lambda: pdf_text(pdf_path), args.repeat),
                "≤ 1500 ms",
            )
        )
    if PUBLISHED_PDF.is_file():
        rows.append(
            (
                "import published 6-page PDF (淮安市 2024)",
                median_ms(lambda: import_report(PUBLISHED_PDF), args.repeat),
                "pdfplumber extracting its text",
                median_ms(lambda: pdf_text(PUBLISHED_PDF), args.repeat),
                "≤ 1500 ms",
            )
        )
    reports = folder(100)
    rows.append(
        (
            "copied text: 100 reports × 8 parts",
            median_ms(lambda: cold_folder_pass(reports), args.repeat),
            "naive all-pairs fuzz.ratio",
            median_ms(lambda: naive_pairs(reports), max(1, args.repeat // 3)),
            "≤ 1000 ms",
        )
    )
    print(f"{'measure':44} {'ms':>9}   {'baseline':32} {'ms':>9}   target")
    for name, ms, base_name, base_ms, target in rows:
        print(f"{name:44} {ms:9.1f}   {base_name:32} {base_ms:9.1f}   {target}")


if __name__ == "__main__":
    main()
