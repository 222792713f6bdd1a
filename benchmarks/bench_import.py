"""Import: speed beside baselines, the budgets on hostile documents, and what import makes of
reports shaped as real ones — each measured in the same run.

Sections (``--section``, default all):

- ``speed``: import of our .docx/.html/.pdf exports and of the published 6-page WPS PDF, in process,
  beside the library merely opening or reading the same file; copied text over 100 reports beside
  the naive all-pairs loop. Targets (#13, #21): 6-page PDF ≤ 1.5 s, HTML ≤ 0.3 s.
- ``hostile``: every hostile document of tests/importers/hostile.py imported in a fresh process,
  wall time and peak RSS (the process and its reader child), refused or not; with ``--before SRC``
  the same with another checkout's ``src`` (e.g. main before #20) as the baseline, under a 60 s
  timeout and a 3 GB address-space cap so that the old code cannot take the machine down. Targets
  (#20): any input ≤ 10 s and ≤ 500 MB; the shapes #20 measured ≤ 2 s.
- ``samples``: the report shapes of tests/importers/shapes.py (docx, html, pdf) and the published
  PDF: characters of body text in and out, paragraphs placed in the right part, unit and level;
  with ``--before SRC`` the same for the other checkout.

Run: python benchmarks/bench_import.py [--repeat 7] [--section all|speed|hostile|samples] [--before SRC]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

from importers import hostile, shapes  # noqa: E402
from tui_report.export.office import export_document  # noqa: E402
from tui_report.importers import import_report  # noqa: E402
from tui_report.model.report import Report  # noqa: E402
from tui_report.model.similarity import folder_copied_text, normalise_text  # noqa: E402
from tui_report.storage.reportfile import load_report  # noqa: E402

EXAMPLES = ROOT / "examples"
SAMPLES = ROOT.parent / "shared" / "samples"
SAMPLES = SAMPLES if SAMPLES.is_dir() else Path("/work/shared/samples")
PUBLISHED_PDF = SAMPLES / "huaian-city-2024-published.pdf"
BEFORE_TIMEOUT_S = 60
BEFORE_MEMORY = 3 * 1024**3


# ---------------------------------------------------------------------- speed


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


def speed(repeat: int) -> None:
    full = load_report(EXAMPLES / "full-2024.toml")
    rows: list[tuple[str, float, str, float, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        docx_path, html_path, pdf_path = (Path(tmp) / f"full-2024.{s}" for s in ("docx", "html", "pdf"))
        for path in (docx_path, html_path, pdf_path):
            export_document(full, path)
        rows.append(
            (
                "import .docx (our export of full-2024)",
                median_ms(lambda: import_report(docx_path), repeat),
                "python-docx opening it",
                median_ms(lambda: open_docx(docx_path), repeat),
                "≤ 200 ms",
            )
        )
        rows.append(
            (
                "import .html (our export of full-2024)",
                median_ms(lambda: import_report(html_path), repeat),
                "html.parser tokenising it",
                median_ms(lambda: tokenise_html(html_path), repeat),
                "≤ 300 ms",
            )
        )
        rows.append(
            (
                "import .pdf (our export, LibreOffice)",
                median_ms(lambda: import_report(pdf_path), repeat),
                "pdfplumber extracting its text",
                median_ms(lambda: pdf_text(pdf_path), repeat),
                "≤ 1500 ms",
            )
        )
    if PUBLISHED_PDF.is_file():
        rows.append(
            (
                "import published 6-page PDF (淮安市 2024, WPS)",
                median_ms(lambda: import_report(PUBLISHED_PDF), repeat),
                "pdfplumber extracting its text",
                median_ms(lambda: pdf_text(PUBLISHED_PDF), repeat),
                "≤ 1500 ms",
            )
        )
    reports = folder(100)
    rows.append(
        (
            "copied text: 100 reports × 8 parts",
            median_ms(lambda: cold_folder_pass(reports), repeat),
            "naive all-pairs fuzz.ratio",
            median_ms(lambda: naive_pairs(reports), max(1, repeat // 3)),
            "≤ 1000 ms",
        )
    )
    print(f"{'measure':46} {'ms':>9}   {'baseline':32} {'ms':>9}   target")
    for name, ms, base_name, base_ms, target in rows:
        print(f"{name:46} {ms:9.1f}   {base_name:32} {base_ms:9.1f}   {target}")


# ---------------------------------------------------------------------- in a fresh process

_IMPORT_ONE = """
import json, sys
sys.path.insert(0, {src!r})
from tui_report.importers import ImportFailure, import_report
try:
    result = import_report({path!r})
    print(json.dumps({{"outcome": "导入", "notes": len(result.notes)}}, ensure_ascii=False))
except ImportFailure as exc:
    print(json.dumps({{"outcome": "拒绝", "why": str(exc).split("：", 1)[-1]}}, ensure_ascii=False))
"""


def _cap(limit: int) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return apply


def in_process(src: Path, code: str, timeout: float, memory: int | None) -> dict[str, object]:
    """Run ``code`` with ``src`` first on the path in a fresh Python: its JSON answer, wall time,
    and peak RSS of the process and the children it waited for (the reader)."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=_cap(memory) if memory else None,
        cwd=str(ROOT),
    )
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        return {"outcome": f"超时（>{timeout:.0f} s，已终止）", "seconds": timeout, "rss_mb": None}
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    answer: dict[str, object]
    try:
        answer = json.loads(out.decode().strip().splitlines()[-1])
    except (ValueError, IndexError):
        tail = err.decode("utf-8", "replace").strip().splitlines()
        answer = {"outcome": "崩溃：" + (tail[-1][:60] if tail else f"退出码 {process.returncode}")}
    answer["seconds"] = seconds
    answer["rss_mb"] = usage.ru_maxrss / 1024  # the largest child so far: each run is measured alone
    return answer


def _rss_of(src: Path, code: str, timeout: float, memory: int | None) -> dict[str, object]:
    """:func:`in_process` in a child of its own, so that RUSAGE_CHILDREN is this run's alone."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            data = json.dumps(in_process(src, code, timeout, memory), ensure_ascii=False).encode()
            os.write(write, data)
        finally:
            os._exit(0)
    os.close(write)
    chunks = []
    while chunk := os.read(read, 1 << 16):
        chunks.append(chunk)
    os.close(read)
    os.waitpid(pid, 0)
    return dict(json.loads(b"".join(chunks)))


def _shown(result: dict[str, object] | None) -> str:
    if result is None:
        return ""
    rss = result.get("rss_mb")
    rss_text = f"{rss:7.0f} MB" if isinstance(rss, float) else "      — "
    seconds = result.get("seconds")
    why = f"（{result['why']}）" if "why" in result else ""
    outcome = str(result.get("outcome", "")) + why
    return f"{seconds:6.1f} s {rss_text}  {outcome[:48]}"


def hostile_section(before: Path | None) -> None:
    print("\nhostile documents: wall time, peak RSS (process + reader), outcome")
    print(f"{'sample':32} {'size':>9}  {'after':<70}  {'before' if before else ''}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, make in {**hostile.HOSTILE, **hostile.AT_BUDGET}.items():
            path = make(Path(tmp))
            size = path.stat().st_size
            after = _rss_of(
                ROOT / "src", _IMPORT_ONE.format(src=str(ROOT / "src"), path=str(path)), 120, None
            )
            old = (
                _rss_of(
                    before,
                    _IMPORT_ONE.format(src=str(before), path=str(path)),
                    BEFORE_TIMEOUT_S,
                    BEFORE_MEMORY,
                )
                if before
                else None
            )
            mark = " *" if name in hostile.ISSUE_20_SAMPLES else ""
            print(f"{name + mark:32} {size / 1024:7.0f} KB  {_shown(after):<70}  {_shown(old)}")
            path.unlink()
    print("* a shape #20 measured (target ≤ 2 s); every row ≤ 10 s and ≤ 500 MB")


# ---------------------------------------------------------------------- samples

_SAMPLE_ONE = """
import json, sys
sys.path.insert(0, {src!r})
from tui_report.importers import ImportFailure, import_report
from tui_report.model.rules import check
try:
    result = import_report({path!r})
except ImportFailure as exc:
    print(json.dumps({{"failed": str(exc)}}, ensure_ascii=False)); raise SystemExit
report = result.report
print(json.dumps({{
    "unit": report.unit, "level": report.level,
    "texts": report.texts,
    "notes": [n.message for n in result.notes],
    "errors": sum(1 for f in check(report) if f.severity == "error"),
}}, ensure_ascii=False))
"""


def _squeezed(text: str) -> str:
    return "".join(text.split())


def _evaluate(shape: shapes.Shape, answer: dict[str, object]) -> str:
    if "failed" in answer:
        return "导入失败"
    texts = {k: _squeezed(v) for k, v in dict(answer["texts"]).items()}  # type: ignore[call-overload]
    right = sum(
        1 for p in shape.paragraphs if [k for k, t in texts.items() if _squeezed(p.expected) in t] == [p.part]
    )
    body_in = sum(len(_squeezed(p.expected)) for p in shape.paragraphs)
    body_out = sum(len(t) for t in texts.values())
    unit = "✓" if answer["unit"] == shape.unit else f"✗({answer['unit'] or '空'})"
    level_notes = [n for n in answer["notes"] if "层级" in n]  # type: ignore[attr-defined]
    level = (
        "✓"
        if answer["level"] == shape.level and bool(level_notes) == shape.level_noted
        else f"✗({answer['level']})"
    )
    if level == "✓" and level_notes:
        level = "✓注"
    counted = f"{body_in:5d}" if shape.paragraphs else "    —"
    return (
        f"{counted}/{body_out:<5d} {right:2d}/{len(shape.paragraphs):<2d} {unit:>4} {level:>4} "
        f"{len(answer['notes']):3d} {answer['errors']:3d}"  # type: ignore[arg-type]
    )


def _from_report(report: Report | None, name: str) -> shapes.Shape:
    """A shape whose paragraphs are a report's texts as every export prints them (one paragraph a
    line); none for a published report whose texts are not known (its placement is not scored)."""
    paragraphs: list[shapes.P | shapes.H | shapes.T] = []
    if report is not None:
        for key, text in report.texts.items():
            paragraphs += [shapes.P(line.strip(), key) for line in text.splitlines() if line.strip()]
    return shapes.Shape(
        name, [], [], paragraphs, [], report.unit if report else "", report.level if report else None
    )


def samples_section(before: Path | None) -> None:
    print(
        "\nsamples: body characters in/out, paragraphs placed right, unit, level (✓注: right and noted), notes, errors"
    )
    head = "in/out       placed unit level notes errors"
    print(f"{'sample':28} {head:<44}  {'before: ' + head if before else ''}")
    with tempfile.TemporaryDirectory() as tmp:
        folder_path = Path(tmp)
        built = [make() for make in shapes.SHAPES]
        paths: list[tuple[shapes.Shape, Path]] = []
        for shape in built:
            paths.append((shape, shapes.to_docx(shape, folder_path / f"{shape.name}.docx")))
            paths.append((shape, shapes.to_html(shape, folder_path / f"{shape.name}.html")))
        (folder_path / "pdf").mkdir()
        paths += list(zip(built, shapes.to_pdfs(built, folder_path / "pdf"), strict=True))
        full = load_report(EXAMPLES / "full-2024.toml")
        exported = _from_report(full, "export-full-2024")
        for suffix in ("docx", "html", "pdf"):
            export_document(full, folder_path / f"full-2024.{suffix}")
            paths.append((exported, folder_path / f"full-2024.{suffix}"))
        if PUBLISHED_PDF.is_file():
            published = _from_report(None, "published-huaian-2024")
            published.unit, published.level = "淮安市人民政府", "city"
            paths.append((published, PUBLISHED_PDF))
        for shape, path in sorted(paths, key=lambda p: (p[0].name, p[1].suffix)):
            code = _SAMPLE_ONE.format(src=str(ROOT / "src"), path=str(path))
            after = _evaluate(shape, in_process(ROOT / "src", code, 120, None))
            old = ""
            if before:
                code = _SAMPLE_ONE.format(src=str(before), path=str(path))
                old = _evaluate(shape, in_process(before, code, BEFORE_TIMEOUT_S, BEFORE_MEMORY))
            print(f"{shape.name + path.suffix:28} {after:<44}  {old}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--section", choices=("all", "speed", "hostile", "samples"), default="all")
    parser.add_argument("--before", type=Path, default=None, help="another checkout's src/ as the baseline")
    args = parser.parse_args()
    before = args.before.resolve() if args.before else None
    if args.section in ("all", "speed"):
        speed(args.repeat)
    if args.section in ("all", "hostile"):
        hostile_section(before)
    if args.section in ("all", "samples"):
        samples_section(before)


if __name__ == "__main__":
    main()
