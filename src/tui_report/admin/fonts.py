"""The fonts the PDF will be drawn with, as the PDF export itself resolves them.

The export (export/fonts.py) knows, for each role, the chain tried: the configured 公文 font, its
fallback, then free lookalikes; ``missing_pdf_fonts`` says which kinds of font are missing
altogether. The doctor reports both: a role drawn with a lookalike is a note (!), a Chinese role
with no font at all is a failure (✗): the PDF would show boxes or a sans-serif default.
"""

from __future__ import annotations

from tui_report.admin.results import Check, fail, ok, warn
from tui_report.export.fontfiles import first_installed, installed_families
from tui_report.export.fonts import (
    FontConfigError,
    FontSet,
    MissingFont,
    missing_pdf_fonts,
    role_chain,
    site_fonts,
)

ROLE_LABELS = {
    "title": "标题",
    "heading": "“一、”标题",
    "subheading": "“（一）”小标题",
    "body": "正文",
    "table": "表格",
    "page_number": "页码",
    "latin": "数字和字母",
}
INSTALL_REAL = "如有正版公文字体，复制到 /usr/local/share/fonts/ 后执行 fc-cache -f，PDF 即用原字体"
INSTALL_DNF = "麒麟/统信等：sudo dnf install google-noto-serif-cjk-fonts google-noto-sans-cjk-fonts liberation-serif-fonts"
METRIC_TWINS = ("Liberation Serif",)  # same advance widths as Times New Roman


def _role_check(fonts: FontSet, role: str) -> Check:
    name = getattr(fonts, role)
    label = f"{ROLE_LABELS.get(role, role)}（{name}）"
    used = first_installed(role_chain(fonts, role))
    if used in (name, fonts.fallback(name)):
        return ok(f"{label}：{used}")
    if role == "latin" and used in METRIC_TWINS:
        return ok(f"{label}：用 {used}（字宽与 Times New Roman 相同）")
    return warn(f"{label}：未安装，PDF 用 {used} 代替", INSTALL_REAL)


def _missing_check(missing: MissingFont) -> Check:
    fix = f"{missing.message.split('。')[-2]}；{INSTALL_DNF}" if "。" in missing.message else INSTALL_DNF
    text = missing.message.split("。")[0]
    chinese = "latin" not in missing.need.roles
    if chinese and missing.fallback is None:
        return fail(f"{text}：PDF 中的汉字可能无法显示", fix)
    return warn(text, fix)


def font_checks() -> list[Check]:
    try:
        fonts = site_fonts()
    except FontConfigError as exc:
        return [fail(str(exc), "改正字体设置文件，或取消环境变量 TUI_REPORT_FONTS")]
    if installed_families() is None:
        return [
            fail("未找到 fontconfig（fc-list），LibreOffice 无法选字体", "sudo apt-get install fontconfig")
        ]
    missing = missing_pdf_fonts(fonts)
    missing_roles = {role for m in missing for role in m.need.roles}
    checks = [_role_check(fonts, role) for role in FontSet.roles() if role not in missing_roles]
    checks += [_missing_check(m) for m in missing]
    return checks
