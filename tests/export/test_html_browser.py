"""The HTML export as a reader sees it: header cells with scope, no empty elements, and in headless
Chromium at desktop and phone widths no number wrapped or spilling out of its cell, the page never
wider than the window (tables scroll sideways on a phone). Screenshots of both widths are taken.

Chromium is Debian's ``chromium`` package (scripts/test.sh installs it); without it the browser
tests skip on a developer's machine and fail in CI.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tui_report.export.office import html_text
from tui_report.model.report import Report

from .export_helpers import report_2019

VOID = {"col", "br", "meta", "img", "hr", "input", "link"}
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]
WIDTHS = {"desktop": 1280, "phone": 390}

# Measures every number cell in the page: one line, nothing spilling out; and the page's width.
PROBE = """<script>
addEventListener("load", () => {
  const bad = [];
  for (const cell of document.querySelectorAll("td")) {
    const range = document.createRange();
    range.selectNodeContents(cell);
    const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
    if (lines.size > 1 || cell.scrollWidth > cell.clientWidth) bad.push(cell.textContent);
  }
  const pageFits = document.documentElement.scrollWidth <= innerWidth;
  document.title = JSON.stringify({bad, pageFits, numbers: document.querySelectorAll("td").length});
});
</script>"""


class _Structure(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, dict[str, str | None], list[str]]] = []
        self.empty: list[str] = []
        self.headers: list[tuple[str | None, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.stack.append((tag, dict(attrs), []))
        elif self.stack:
            self.stack[-1][2].append(tag)

    def handle_endtag(self, tag: str) -> None:
        name, attrs, content = self.stack.pop()
        text = "".join(content).strip()
        if not text and name != "td":  # a blank data cell is a cell left blank on purpose
            self.empty.append(name)
        if name == "th":
            self.headers.append((attrs.get("scope"), text))
        if self.stack:
            self.stack[-1][2].append(text or name)

    def handle_data(self, data: str) -> None:
        if self.stack:
            self.stack[-1][2].append(data)


@pytest.mark.parametrize("which", ["full-2024", "2019"])
def test_no_empty_elements_and_every_header_has_a_scope(which: str, full_report: Report) -> None:
    page = html_text(full_report if which == "full-2024" else report_2019())
    parser = _Structure()
    parser.feed(page)
    assert parser.empty == []
    assert "<thead></thead>" not in page
    assert parser.headers and all(
        scope in ("row", "col", "rowgroup", "colgroup") for scope, _ in parser.headers
    )
    scopes = dict((text, scope) for scope, text in parser.headers)
    assert scopes["三、本年度办理结果"] == "rowgroup"
    assert scopes["1.属于国家秘密"] == "row"
    assert scopes["申请人情况"] == "colgroup"
    assert scopes["自然人"] == "col"
    # Numbers are data cells that never wrap.
    assert re.search(r'<td style="[^"]*white-space:nowrap">3001</td>', html_text(full_report))


def _chromium() -> str:
    program = shutil.which("chromium")
    if program is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: scripts/test.sh installs it", pytrace=False)
        pytest.skip("chromium is not installed")
    return program


def _run_chromium(*args: str) -> str:
    with tempfile.TemporaryDirectory(prefix="tui-report-chromium-") as profile:
        result = subprocess.run(
            [_chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


@pytest.fixture(scope="module", params=["full-2024", "2019"])
def page(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tui_report.storage.reportfile import load_report

    from .export_helpers import EXAMPLES

    report = load_report(EXAMPLES / "full-2024.toml") if request.param == "full-2024" else report_2019()
    path = tmp_path_factory.mktemp("html") / f"{request.param}.html"
    path.write_text(html_text(report), encoding="utf-8")
    return path


@pytest.mark.parametrize("width", list(WIDTHS.values()), ids=list(WIDTHS))
def test_numbers_never_wrap_in_chromium(page: Path, width: int) -> None:
    probe = page.with_name(f"probe-{width}-{page.name}")
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8")
    dom = _run_chromium(f"--window-size={width},900", "--dump-dom", probe.as_uri())
    found = re.search(r"<title>(\{.*?\})</title>", dom)
    assert found, dom[:500]
    result = json.loads(found.group(1).replace("&quot;", '"'))
    assert result["numbers"] > 100
    assert result["bad"] == []
    assert result["pageFits"]


@pytest.mark.parametrize("width", list(WIDTHS.values()), ids=list(WIDTHS))
def test_screenshots_at_desktop_and_phone_width(page: Path, width: int) -> None:
    shot = page.with_name(f"{page.stem}-{width}.png")
    _run_chromium(f"--window-size={width},2400", f"--screenshot={shot}", page.as_uri())
    assert _png_size(shot) == (width, 2400)
    # A page with text on it, not a blank one: a blank PNG of this size compresses to a few KB.
    assert shot.stat().st_size > 50_000
