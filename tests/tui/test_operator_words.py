"""What an operator reads is Chinese and says keys one way (#23 item 1): the palette's empty result,
the locale banner, and key names in F1, the footer and the README alike."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from textual.command import CommandList, CommandPalette
from textual.widgets import Footer

from tui_report.model.linebreak import cells
from tui_report.tui.app import locale_warning, make_app
from tui_report.tui.grid.keys import GRID_BINDINGS
from tui_report.tui.keyhelp import readme_tables
from tui_report.tui.keynames import key_label
from tui_report.tui.screens.help import HelpScreen
from tui_report.tui.widgets.wrapped import WrappedText

from .conftest import SIZE
from .helpers import editor, go_to_step

# How Textual or a binding of its own spelt keys before: none of them may be shown any more.
OLD_SPELLINGS = re.compile(r"\^[A-Za-z]|\b(Up|Down|Left|Right|home|end|pgup|pgdn|pageup|pagedown|escape)\b")


@pytest.mark.parametrize(
    ("key", "label"),
    [
        ("up", "↑"),
        ("down", "↓"),
        ("left", "←"),
        ("right", "→"),
        ("home", "Home"),
        ("end", "End"),
        ("pageup", "PgUp"),
        ("pagedown", "PgDn"),
        ("tab", "Tab"),
        ("shift+tab", "Shift+Tab"),
        ("enter", "Enter"),
        ("escape", "Esc"),
        ("delete", "Del"),
        ("ctrl+c", "Ctrl+C"),
        ("ctrl+home", "Ctrl+Home"),
        ("ctrl+shift+left", "Ctrl+Shift+←"),
        ("f1", "F1"),
        ("f12", "F12"),
        ("s", "S"),
        ("escape,f1,enter", "Esc"),
    ],
)
def test_a_key_is_named_one_way(key: str, label: str) -> None:
    assert key_label(key) == label


def test_no_binding_names_its_own_key() -> None:
    """Bindings declare keys only: a ``key_display`` of its own would bypass key_label (``^S``)."""
    source = Path(__file__).resolve().parents[2] / "src" / "tui_report" / "tui"
    declaring = [str(p) for p in source.rglob("*.py") if "key_display=" in p.read_text(encoding="utf-8")]
    assert not declaring


def test_readme_key_tables_use_the_same_names() -> None:
    rows = [row for table in readme_tables().values() for row in table]
    assert "| ↑ | 上移 |" in rows and "| Ctrl+Home | 第一行 |" in rows and "| Esc | 取消编辑 |" in rows
    assert not [row for row in rows if OLD_SPELLINGS.search(row.split("|")[1])]
    assert len(readme_tables()["表格"]) == len(GRID_BINDINGS)


async def test_f1_names_keys_as_the_footer_does(empty_report: Path) -> None:
    app = make_app(empty_report)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_step(pilot, app, "table:requests")
        await pilot.press("f1")
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        keys = [key for _, key, _ in help_screen.keys]
        assert {"↑", "↓", "←", "→", "Home", "End", "Ctrl+Home", "PgDn", "Ctrl+S", "Ctrl+Q", "F1"} <= set(keys)
        assert not [key for key in keys if OLD_SPELLINGS.search(key)], keys
        await pilot.press("escape")
        await pilot.pause()
        footer = editor(app).query_one(Footer)
        shown = " ".join(str(key.render()) for key in footer.query("FooterKey"))
        assert "Ctrl+S 保存" in shown and "F1 帮助" in shown and "Ctrl+P 命令" in shown, shown
        assert not OLD_SPELLINGS.search(shown), shown


async def test_the_palette_says_no_match_in_chinese(empty_report: Path) -> None:
    app = make_app(empty_report)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        await pilot.press(*"xyzzy")
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        commands = palette.query_one(CommandList)
        shown: list[str] = []
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 5
        while loop.time() < deadline and not shown:
            await pilot.pause(0.1)
            shown = [str(commands.get_option_at_index(i).prompt) for i in range(commands.option_count)]
        assert len(shown) == 1 and "无匹配的命令" in shown[0], shown
        assert commands.get_option_at_index(0).disabled
        assert "No matches" not in " ".join(shown)


@pytest.mark.parametrize("lang", ["", "C", "POSIX", "zh_CN.GB18030", "en_US.ISO-8859-1"])
def test_the_locale_banner_is_one_chinese_line_with_the_fix(lang: str) -> None:
    text = locale_warning({"LANG": lang} if lang else {})
    assert "export LANG=C.UTF-8" in text and "UTF-8" in text
    assert cells(text) <= 78 and "\n" not in text
    english = set(re.findall(r"[A-Za-z]{3,}", text.replace(lang, ""))) - {"UTF", "export", "LANG"}
    assert not english, english
    assert locale_warning({"LANG": "zh_CN.UTF-8"}) == ""


async def test_the_banner_takes_one_line_of_the_screen(empty_report: Path) -> None:
    app = make_app(empty_report, environ={"LANG": "C"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        banner = editor(app).query_one("#banner", WrappedText)
        assert banner.text.startswith("中文乱码时") and banner.size.height == 1
