"""Render a .docx to PDF with LibreOffice, when it is installed.

Each run gets its own LibreOffice profile: headless LibreOffice runs one instance per profile, and
two conversions sharing one (two operators exporting at once) fail without a word. The temp folder
(copies of the report) and LibreOffice are removed and ended when the export ends, fails, times out
or is hung up (SIGHUP/SIGTERM: :mod:`tui_report.host.cleanup`).

A Linux server rarely has 仿宋_GB2312 or 方正小标宋简体, and fontconfig would then pick DejaVu Sans
with a sans-serif CJK glyph fallback for everything. The conversion therefore runs with a
fontconfig file that keeps the system's and adds, after each font name of the report, its fallback
and a free font of the same kind (serif for 宋体/仿宋, sans-serif for 黑体, kai for 楷体). A font that is
installed still wins.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from tui_report.export.fonts import PDF_FONT_PACKAGES, FontSet, role_chain
from tui_report.host.cleanup import on_termination, signals_deferred

SOFFICE_ENV = "TUI_REPORT_SOFFICE"
RENDER_TIMEOUT_S = 180

# Everything a PDF needs on a Debian/Ubuntu server: the renderer, the fonts (CJK serif and sans,
# a 楷体, a Latin font with Times New Roman's widths) and poppler, which reads the result back.
DEBIAN_PACKAGES = ("libreoffice-writer-nogui", *PDF_FONT_PACKAGES, "poppler-utils")
INSTALL_HINT = (
    "生成 PDF 需要 LibreOffice 和字体，本机未找到 soffice 命令。请系统管理员安装："
    f"sudo apt-get install {' '.join(DEBIAN_PACKAGES)}（Debian/Ubuntu）"
    "或 sudo dnf install libreoffice-writer google-noto-sans-cjk-fonts google-noto-serif-cjk-fonts"
    " liberation-serif-fonts poppler-utils（麒麟/统信/CentOS 等）；"
    f"已安装但不在 PATH 中时，可用环境变量 {SOFFICE_ENV} 指明 soffice 的完整路径。"
    "也可以先导出 .docx，再用 Word 或 WPS“另存为 PDF”。"
)

SYSTEM_FONTCONFIG = "/etc/fonts/fonts.conf"


def fontconfig_xml(fonts: FontSet) -> str:
    """A fontconfig file: the system's, plus the report's font names followed by lookalikes."""
    aliases: list[str] = []
    for role in FontSet.roles():
        name = getattr(fonts, role)
        accept = "".join(f"<family>{escape(f)}</family>" for f in role_chain(fonts, role) if f != name)
        aliases.append(
            f'<alias binding="strong"><family>{escape(name)}</family><accept>{accept}</accept></alias>'
        )
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>'
        f'<include ignore_missing="yes">{SYSTEM_FONTCONFIG}</include>' + "".join(aliases) + "</fontconfig>\n"
    )


class PdfRenderError(RuntimeError):
    """LibreOffice is missing or failed; the message is in Chinese."""


def find_soffice() -> str | None:
    configured = os.environ.get(SOFFICE_ENV, "").strip()
    if configured:
        return configured if Path(configured).is_file() else None
    return shutil.which("soffice") or shutil.which("libreoffice")


class _Workspace:
    """A private temp folder for one LibreOffice run (the .docx copies, its profile, the PDFs) and
    the LibreOffice process: both gone when the export ends, fails, or is hung up
    (:func:`tui_report.host.cleanup.on_termination`)."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="tui-report-pdf-"))
        self.process: subprocess.Popen[bytes] | None = None

    def undo(self) -> None:
        process = self.process
        if process is not None and process.poll() is None:
            with contextlib.suppress(OSError):
                os.killpg(process.pid, signal.SIGKILL)  # soffice and what it started (its own group)
            with contextlib.suppress(OSError, subprocess.TimeoutExpired):
                process.wait(timeout=5)
        shutil.rmtree(self.folder, ignore_errors=True)


@contextlib.contextmanager
def _workspace() -> Iterator[_Workspace]:
    work = _Workspace()
    with on_termination(work.undo):
        try:
            yield work
        finally:
            work.undo()


def docx_to_pdf(
    docx: bytes, fonts: FontSet | None = None, soffice: str | None = None, timeout_s: float = RENDER_TIMEOUT_S
) -> bytes:
    """The PDF LibreOffice renders from a .docx given as bytes."""
    program = soffice or find_soffice()
    if program is None:
        raise PdfRenderError(INSTALL_HINT)
    with _workspace() as work:
        source = work.folder / "report.docx"
        source.write_bytes(docx)
        result = _convert(program, [source], work, fonts, timeout_s)
        target = work.folder / "out" / "report.pdf"
        if not target.is_file():
            detail = (result.stderr or result.stdout).decode("utf-8", "replace").strip().splitlines()
            tail = f"（{detail[-1]}）" if detail else ""
            raise PdfRenderError(f"LibreOffice 未能生成 PDF，退出码 {result.returncode}{tail}。")
        return target.read_bytes()


def _convert(
    program: str, sources: Sequence[Path], work: _Workspace, fonts: FontSet | None, timeout: float
) -> subprocess.CompletedProcess[bytes]:
    """One LibreOffice run converting ``sources`` into ``work.folder/out``, with its own profile and
    our font aliases (fontconfig file in the workspace). It runs in a process group of its own, so
    that a timeout or a hang-up ends soffice and everything it started."""
    folder = work.folder
    env = dict(os.environ)
    if fonts is not None and Path(SYSTEM_FONTCONFIG).is_file() and "FONTCONFIG_FILE" not in env:
        config = folder / "fonts.conf"
        config.write_text(fontconfig_xml(fonts), encoding="utf-8")
        env["FONTCONFIG_FILE"] = str(config)
    command = [
        program,
        f"-env:UserInstallation={(folder / 'profile').as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        "pdf:writer_pdf_Export",
        "--outdir",
        str(folder / "out"),
        *map(str, sources),
    ]
    try:
        with signals_deferred():  # a hang-up now is acted on once work.process is known
            work.process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                start_new_session=True,
            )
    except OSError as exc:
        raise PdfRenderError(f"无法运行 LibreOffice（{program}）：{exc.strerror}。{INSTALL_HINT}") from exc
    try:
        stdout, stderr = work.process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        work.undo()
        raise PdfRenderError(
            f"LibreOffice 在 {timeout:.0f} 秒内没有完成 PDF 转换，已放弃。请稍后再试。"
        ) from exc
    return subprocess.CompletedProcess(command, work.process.returncode, stdout, stderr)


def docxs_to_pdfs(
    docxs: Sequence[bytes],
    fonts: FontSet | None = None,
    soffice: str | None = None,
    timeout_s: float | None = None,
) -> list[bytes | None]:
    """Many .docx rendered by one LibreOffice start (batch export: its start-up is most of the cost
    of one PDF). The PDFs in the given order; None for a document it did not render."""
    program = soffice or find_soffice()
    if program is None:
        raise PdfRenderError(INSTALL_HINT)
    if not docxs:
        return []
    timeout = timeout_s if timeout_s is not None else RENDER_TIMEOUT_S + 20.0 * len(docxs)
    with _workspace() as work:
        sources = []
        for index, data in enumerate(docxs):
            source = work.folder / f"report-{index:05d}.docx"
            source.write_bytes(data)
            sources.append(source)
        _convert(program, sources, work, fonts, timeout)
        results: list[bytes | None] = []
        for source in sources:
            target = work.folder / "out" / (source.stem + ".pdf")
            results.append(target.read_bytes() if target.is_file() else None)
        return results
