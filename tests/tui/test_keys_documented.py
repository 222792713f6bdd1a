"""Every key of the editor and the grid is in the README's key tables, as the bindings say it
(``python -m tui_report.tui.keyhelp`` prints the tables), and the palette's help is the binding's."""

from __future__ import annotations

from pathlib import Path

from tui_report.tui.commands import bound_commands
from tui_report.tui.grid.keys import GRID_BINDINGS
from tui_report.tui.keyhelp import keys_of, readme_tables
from tui_report.tui.screens.editor import EditorScreen

README = Path(__file__).resolve().parent.parent.parent / "README.md"


def test_every_binding_is_a_row_of_the_readme_key_tables() -> None:
    readme = README.read_text(encoding="utf-8")
    tables = readme_tables()
    assert len(tables["表格"]) == len({b.action for b in GRID_BINDINGS if not isinstance(b, tuple)})
    missing = [row for rows in tables.values() for row in rows if row not in readme]
    assert not missing, (
        "README key tables differ from the bindings; run python -m tui_report.tui.keyhelp:\n"
        + "\n".join(missing)
    )


def test_keys_are_named_from_the_bindings() -> None:
    bindings = [b for b in EditorScreen.BINDINGS if not isinstance(b, tuple)]
    assert keys_of(bindings, "save") == "Ctrl+S 或 F5"
    assert keys_of(bindings, "step(1)") == "PgDn 或 F8"


async def test_palette_help_comes_from_the_bindings(dama_copy: Path) -> None:
    from tui_report.tui.app import make_app

    app = make_app(dama_copy)
    async with app.run_test():
        screen = app.screen
        assert isinstance(screen, EditorScreen)
        helps = {name: help_text for name, help_text, _ in bound_commands(screen, EditorScreen.PALETTE)}
        assert helps["问题列表"] == "F3：列出所有错误和警告，Enter 跳到该处"
        assert helps["保存"].startswith("Ctrl+S 或 F5：")
