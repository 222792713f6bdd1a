"""Every font name of the printed report, in one place a site can change.

The defaults follow GB/T 9704-2012: 方正小标宋简体 for the title, 黑体 for ``一、`` headings, 楷体_GB2312
for ``（一）`` headings, 仿宋_GB2312 for the body, 宋体 for page numbers and tables, Times New Roman for
Latin letters and digits. 方正小标宋简体 and the ``_GB2312`` fonts are missing on many PCs: each name
has a fallback (宋体, 仿宋, 楷体, 黑体) that the .docx declares as the font's alternative name, and the
HTML export lists after it.

A site overrides names with a TOML file named by the environment variable ``TUI_REPORT_FONTS``::

    [fonts]
    title = "方正小标宋_GBK"
    body = "仿宋"

    [fallbacks]
    "方正小标宋_GBK" = "宋体"

This module imports nothing from python-docx.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from tui_report.host.toml import tomllib

FONTS_ENV = "TUI_REPORT_FONTS"

DEFAULT_FALLBACKS: dict[str, str] = {
    "方正小标宋简体": "宋体",
    "方正小标宋_GBK": "宋体",
    "仿宋_GB2312": "仿宋",
    "楷体_GB2312": "楷体",
    "黑体": "SimHei",
    "宋体": "SimSun",
    "仿宋": "FangSong",
    "楷体": "KaiTi",
}

# The generic CSS family each role falls back to in the HTML export.
_CSS_GENERIC = {"title": "serif", "heading": "sans-serif", "subheading": "serif", "latin": "serif"}


class FontConfigError(ValueError):
    """A font settings file that cannot be used; the message is in Chinese."""


@dataclass(frozen=True, slots=True)
class FontSet:
    """Font names by role. East Asian names go into ``w:eastAsia``, ``latin`` into ``w:ascii``/``w:hAnsi``."""

    title: str = "方正小标宋简体"
    heading: str = "黑体"
    subheading: str = "楷体_GB2312"
    body: str = "仿宋_GB2312"
    table: str = "宋体"
    page_number: str = "宋体"
    latin: str = "Times New Roman"
    fallbacks: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_FALLBACKS))

    @classmethod
    def roles(cls) -> list[str]:
        return [f.name for f in fields(cls) if f.name != "fallbacks"]

    def fallback(self, name: str) -> str | None:
        return self.fallbacks.get(name)

    def names(self) -> list[str]:
        """Every font name used, without repeats, in role order."""
        seen: dict[str, None] = {}
        for role in self.roles():
            seen.setdefault(getattr(self, role), None)
        return list(seen)

    def css_family(self, role: str) -> str:
        """A CSS ``font-family`` list for a role: the name, its fallback, then a generic family."""
        name = getattr(self, role)
        chain = [name]
        fallback = self.fallback(name)
        if fallback:
            chain.append(fallback)
        generic = _CSS_GENERIC.get(role, "serif")
        return ", ".join([*(f"'{n}'" for n in chain), generic])


def load_font_file(path: Path, base: FontSet | None = None) -> FontSet:
    """A font set from a TOML file with ``[fonts]`` (role = name) and ``[fallbacks]`` (name = name)."""
    base = base or FontSet()
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise FontConfigError(f"字体设置文件 {path} 无法读取：{exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise FontConfigError(f"字体设置文件 {path} 不是 UTF-8 编码") from exc
    except tomllib.TOMLDecodeError as exc:
        raise FontConfigError(f"字体设置文件 {path} 不是有效的 TOML：{exc}") from exc
    unknown = sorted(set(data) - {"fonts", "fallbacks"})
    if unknown:
        raise FontConfigError(
            f"字体设置文件 {path} 中有未知的部分：{'、'.join(unknown)}（只能有 [fonts] 和 [fallbacks]）"
        )
    roles = FontSet.roles()
    changes: dict[str, Any] = {}
    for role, name in dict(data.get("fonts", {})).items():
        if role not in roles:
            raise FontConfigError(
                f"字体设置文件 {path} 的 [fonts] 中有未知的项 {role}，可用：{'、'.join(roles)}"
            )
        if not isinstance(name, str) or not name.strip():
            raise FontConfigError(f"字体设置文件 {path} 的 fonts.{role} 应为非空的字体名称")
        changes[role] = name.strip()
    fallbacks = dict(base.fallbacks)
    for name, alt in dict(data.get("fallbacks", {})).items():
        if not isinstance(alt, str) or not alt.strip():
            raise FontConfigError(f"字体设置文件 {path} 的 fallbacks.“{name}”应为非空的字体名称")
        fallbacks[name] = alt.strip()
    return replace(base, fallbacks=fallbacks, **changes)


def site_fonts() -> FontSet:
    """The defaults, changed by the file named in ``TUI_REPORT_FONTS`` when it is set."""
    path = os.environ.get(FONTS_ENV, "").strip()
    if not path:
        return FontSet()
    return load_font_file(Path(path))


# ----------------------------------------------------------------------------- fonts the PDF needs
# A Linux server rarely has the 公文 fonts; the PDF is then drawn with free fonts of the same kind,
# in this order of preference (Debian packages: fonts-noto-cjk, fonts-arphic-ukai, fonts-liberation).
FREE_SERIF = ("Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN")
FREE_SANS = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei")
FREE_KAI = ("AR PL UKai CN", "AR PL KaitiM GB", "AR PL UKai TW")
FREE_LATIN = ("Liberation Serif", "TeX Gyre Termes", "Nimbus Roman")
FREE_LOOKALIKES: dict[str, tuple[str, ...]] = {
    "title": FREE_SERIF,
    "heading": FREE_SANS,
    "subheading": (*FREE_KAI, *FREE_SERIF),
    "body": FREE_SERIF,
    "table": FREE_SERIF,
    "page_number": FREE_SERIF,
    "latin": (*FREE_LATIN, "DejaVu Serif"),
}


@dataclass(frozen=True, slots=True)
class PdfFontNeed:
    """One kind of font the PDF needs: the roles it draws, the free fonts that do, and the package."""

    label: str
    roles: tuple[str, ...]
    free: tuple[str, ...]
    package: str


PDF_FONT_NEEDS = (
    PdfFontNeed(
        "宋体/仿宋类中文字体（正文、标题、表格）", ("body", "title", "table"), FREE_SERIF, "fonts-noto-cjk"
    ),
    PdfFontNeed("黑体类中文字体（“一、”标题）", ("heading",), FREE_SANS, "fonts-noto-cjk"),
    PdfFontNeed("楷体（“（一）”小标题）", ("subheading",), FREE_KAI, "fonts-arphic-ukai"),
    PdfFontNeed(
        "与 Times New Roman 等宽的西文字体（数字、字母）", ("latin",), FREE_LATIN, "fonts-liberation"
    ),
)
PDF_FONT_PACKAGES = tuple(dict.fromkeys(n.package for n in PDF_FONT_NEEDS))


@dataclass(frozen=True, slots=True)
class MissingFont:
    need: PdfFontNeed
    # The font the PDF is drawn with instead (the next one installed), or None: fontconfig's default.
    fallback: str | None

    @property
    def message(self) -> str:
        instead = f"改用 {self.fallback}" if self.fallback else "改用系统默认字体（字形与公文不符）"
        return (
            f"缺少{self.need.label}，PDF 中将{instead}。"
            f"请系统管理员安装：sudo apt-get install {self.need.package}"
        )


def role_chain(fonts: FontSet, role: str) -> list[str]:
    """The names tried for a role: the configured font, its fallback, then the free lookalikes."""
    name = getattr(fonts, role)
    return list(dict.fromkeys(n for n in (name, fonts.fallback(name), *FREE_LOOKALIKES[role]) if n))


def missing_pdf_fonts(fonts: FontSet | None = None) -> list[MissingFont]:
    """The kinds of font the PDF needs that this machine has neither as the real 公文 font nor as
    a free lookalike, each with the font used instead and the Debian package to install."""
    from tui_report.export.fontfiles import first_installed

    fonts = fonts or FontSet()
    missing: list[MissingFont] = []
    for need in PDF_FONT_NEEDS:
        for role in need.roles:
            chain = role_chain(fonts, role)
            real = [n for n in chain if n not in FREE_LOOKALIKES[role]]
            if first_installed([*real, *need.free]) is None:
                rest = [n for n in FREE_LOOKALIKES[role] if n not in need.free]
                missing.append(MissingFont(need, first_installed(rest)))
                break
    return missing


def latin_widths(fonts: FontSet, chars: str) -> dict[str, float]:
    """Advance widths in em of Latin characters in the font that will really draw them: the first
    installed of the Latin role's chain; the widest common fallback when none can be measured."""
    from tui_report.export.fontfiles import (
        WIDEST_FALLBACK_DIGIT_EM,
        advance_widths,
        first_installed,
        font_file,
    )

    family = first_installed(role_chain(fonts, "latin"))
    path = font_file(family) if family else None
    measured = advance_widths(path, chars) if path else None
    if not measured:
        return {c: WIDEST_FALLBACK_DIGIT_EM for c in chars}
    return {c: measured.get(c, WIDEST_FALLBACK_DIGIT_EM) for c in chars}
