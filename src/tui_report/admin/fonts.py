"""The fonts the PDF will really be drawn with, resolved the way the PDF export resolves them.

The export runs LibreOffice with a generated fontconfig file (export/pdf.py: the system's, plus
each report font followed by its fallback and free lookalikes). Here the same file is handed to
``fc-match`` for each role, so the answer is the font LibreOffice will pick, not a guess.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from tui_report.admin.results import Check, fail, ok, warn
from tui_report.export.fonts import FontConfigError, FontSet, site_fonts
from tui_report.export.pdf import SYSTEM_FONTCONFIG, fontconfig_xml

FC_TIMEOUT_S = 20.0
ROLE_LABELS = {
    "title": "标题",
    "heading": "“一、”标题",
    "subheading": "“（一）”小标题",
    "body": "正文",
    "table": "表格",
    "page_number": "页码",
    "latin": "数字和字母",
}
INSTALL_CJK = (
    "安装免费中文字体：sudo apt-get install fonts-noto-cjk fonts-arphic-ukai（Debian/Ubuntu）"
    "或 sudo dnf install google-noto-serif-cjk-fonts google-noto-sans-cjk-fonts（麒麟/统信）"
)
INSTALL_REAL = "如有正版公文字体，复制到 /usr/local/share/fonts/ 后执行 fc-cache -f，PDF 即用原字体"
INSTALL_LATIN = "sudo apt-get install fonts-liberation（与 Times New Roman 等宽，表格中的数字不会挤出格子）"


class FontToolError(Exception):
    """fontconfig cannot answer; the message is in Chinese."""


def _run(command: list[str], env: dict[str, str]) -> str:
    try:
        result = subprocess.run(
            command, capture_output=True, timeout=FC_TIMEOUT_S, check=False, env=env, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired as exc:
        raise FontToolError(f"{command[0]} 在 {FC_TIMEOUT_S:.0f} 秒内没有回答") from exc
    except OSError as exc:
        raise FontToolError(f"无法运行 {command[0]}（{exc.strerror}）") from exc
    return result.stdout.decode("utf-8", "replace")


def chinese_families(env: dict[str, str]) -> set[str]:
    """Every family name (all languages) of the installed fonts that cover Chinese."""
    out = _run(["fc-list", ":lang=zh", "family"], env)
    return {name.strip() for line in out.splitlines() for name in line.split(",") if name.strip()}


def resolve(fonts: FontSet, env: dict[str, str]) -> dict[str, str]:
    """Role -> the family fontconfig picks for it under the export's configuration."""
    picked: dict[str, str] = {}
    for role in FontSet.roles():
        lang = "en" if role == "latin" else "zh-cn"
        out = _run(["fc-match", "-f", "%{family[0]}", f"{getattr(fonts, role)}:lang={lang}"], env)
        picked[role] = out.strip()
    return picked


def _role_check(fonts: FontSet, role: str, family: str, chinese: set[str]) -> Check:
    name = getattr(fonts, role)
    wanted = {name, fonts.fallback(name) or name}
    label = f"{ROLE_LABELS.get(role, role)}（{name}）"
    if family in wanted:
        return ok(f"{label}：{family}")
    if role == "latin":
        if family == "Liberation Serif":
            return ok(f"{label}：用 {family}（字宽与 Times New Roman 相同）")
        return warn(f"{label}：未安装，PDF 用 {family or '系统默认字体'} 代替", INSTALL_LATIN)
    if family in chinese:
        return warn(f"{label}：未安装，PDF 用 {family} 代替", INSTALL_REAL)
    return fail(f"{label}：没有可用的中文字体（会用 {family or '无'}），PDF 中的汉字无法显示", INSTALL_CJK)


def font_checks() -> list[Check]:
    try:
        fonts = site_fonts()
    except FontConfigError as exc:
        return [fail(str(exc), "改正字体设置文件，或取消环境变量 TUI_REPORT_FONTS")]
    if shutil.which("fc-match") is None or shutil.which("fc-list") is None:
        return [
            fail("未找到 fontconfig（fc-match），LibreOffice 无法选字体", "sudo apt-get install fontconfig")
        ]
    env = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="tui-report-doctor-") as tmp:
        if Path(SYSTEM_FONTCONFIG).is_file() and "FONTCONFIG_FILE" not in env:
            config = Path(tmp) / "fonts.conf"
            config.write_text(fontconfig_xml(fonts), encoding="utf-8")
            env["FONTCONFIG_FILE"] = str(config)
        try:
            chinese = chinese_families(env)
            picked = resolve(fonts, env)
        except FontToolError as exc:
            return [fail(f"无法查询字体：{exc}", "检查 fontconfig 是否正常：fc-list | head")]
    return [_role_check(fonts, role, family, chinese) for role, family in picked.items()]
