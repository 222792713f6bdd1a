"""The keys F1 lists, in Chinese: Textual's own bindings (text boxes, lists, the palette) get a
Chinese description here, keyed by their action; those that do nothing useful in an operator's
terminal (Super keys, horizontal scrolling, Ctrl+Shift+letter) are left out.

Read through :attr:`textual.screen.Screen.active_bindings` (public API): what is listed is what
the keys do now, in the order of the focus chain."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.screen import Screen

from tui_report.tui.keynames import key_label

# Textual's built-in actions → what they do, in the operator's words.
ACTION_WORDS: dict[str, str] = {
    "quit": "退出",
    "app.focus_next": "下一项",
    "app.focus_previous": "上一项",
    "focus_next": "下一项",
    "focus_previous": "上一项",
    "screen.copy_text": "复制选中的文字",
    "copy": "复制选中的文字",
    "cut": "剪切选中的文字",
    "paste": "粘贴（本程序内复制的文字）",
    "cursor_left": "光标左移",
    "cursor_left(True)": "向左选择",
    "cursor_left_word": "光标左移一词",
    "cursor_left_word(True)": "向左选择一词",
    "cursor_right": "光标右移",
    "cursor_right(True)": "向右选择",
    "cursor_right_word": "光标右移一词",
    "cursor_right_word(True)": "向右选择一词",
    "cursor_word_left": "光标左移一词",
    "cursor_word_right": "光标右移一词",
    "cursor_word_left(True)": "向左选择一词",
    "cursor_word_right(True)": "向右选择一词",
    "cursor_up": "上移",
    "cursor_down": "下移",
    "cursor_up(True)": "向上选择",
    "cursor_down(True)": "向下选择",
    "cursor_line_start": "到行首",
    "cursor_line_end": "到行尾",
    "cursor_line_start(True)": "选择到行首",
    "cursor_line_end(True)": "选择到行尾",
    "cursor_page_up": "上翻一屏",
    "cursor_page_down": "下翻一屏",
    "cursor_text_start": "到全文开头",
    "cursor_text_end": "到全文末尾",
    "delete_left": "删除左边一个字",
    "delete_right": "删除右边一个字",
    "delete_left_word": "删除左边一词",
    "delete_right_word": "删除右边一词",
    "delete_word_left": "删除左边一词",
    "delete_word_right": "删除右边一词",
    "delete_left_all": "删除光标左边全部",
    "delete_right_all": "删除光标右边全部",
    "delete_to_start_of_line": "删除到行首",
    "delete_to_end_of_line_or_delete_line": "删除到行尾",
    "home": "到开头",
    "end": "到末尾",
    "home(True)": "选择到开头",
    "end(True)": "选择到末尾",
    "submit": "确定",
    "select": "选择",
    "press": "按下按钮",
    "first": "到第一项",
    "last": "到最后一项",
    "page_up": "上翻一页",
    "page_down": "下翻一页",
    "scroll_up": "上滚",
    "scroll_down": "下滚",
    "scroll_home": "滚到开头",
    "scroll_end": "滚到末尾",
    "undo": "撤销",
    "redo": "重做",
    "command_list('last')": "到最后一条",
    "command_list('first')": "到第一条",
    "command_list('page_down')": "下一页",
    "command_list('page_up')": "上一页",
    "command_list('cursor_up')": "上一条",
    "command_list('cursor_down')": "下一条",
    "escape": "关闭命令面板",
}

# Actions that do nothing useful here: sideways scrolling (nothing is wider than the window),
# selecting a whole line with F6 (F6 hides the section list), deleting a line with Ctrl+Shift+K.
HIDDEN_ACTIONS = frozenset(
    {
        "scroll_left",
        "scroll_right",
        "page_left",
        "page_right",
        "select_line",
        "select_all",
        "delete_line",
        "help_quit",
    }
)


def key_applies(key: str) -> bool:
    """Keys that work here: no Super, no Ctrl+Shift+letter (terminals cannot send them), no Alt
    (Alt+X arrives as Esc then X: ``escape_then_key`` in ``tui/textual_compat.py``)."""
    parts = key.split("+")
    if {"super", "meta", "hyper", "alt"} & set(parts):
        return False
    return not ("ctrl" in parts and "shift" in parts and len(parts[-1]) == 1)


def description(binding: Binding) -> str:
    """The Chinese description of a binding, or "" when it is not listed."""
    if binding.action in HIDDEN_ACTIONS or not key_applies(binding.key):
        return ""
    text = binding.description
    if text and not text.isascii():
        return text  # ours: already Chinese
    return ACTION_WORDS.get(binding.action, "")


def group_name(namespace: DOMNode) -> str:
    from textual.widgets import Button, Input, OptionList, TextArea

    from tui_report.tui.grid.widget import TableGrid
    from tui_report.tui.widgets.sections import SectionList

    groups: tuple[tuple[type, str], ...] = (
        (TableGrid, "表格"),
        (TextArea, "文字编辑框"),
        (SectionList, "目录"),
        (Input, "输入框"),
        (OptionList, "列表"),
        (Button, "按钮"),
        (App, "全局"),
        (Screen, "本页"),
    )
    for kind, name in groups:
        if isinstance(namespace, kind):
            return name
    return "本页"


def help_keys(screen: Screen[object]) -> list[tuple[str, str, str]]:
    """(group, key, description) of every active key with a description, focused widget first;
    keys named by :func:`key_name`, as the footer and the README name them."""
    keys: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    for active in screen.active_bindings.values():
        binding = active.binding
        words = description(binding)
        if not words or not active.enabled or (binding.id or binding.key) in seen:
            continue
        seen.add(binding.id or binding.key)
        keys.append((group_name(active.node), key_name(binding), words))
    # Grouped, in the order the groups first appear (the focus chain).
    order = {group: i for i, group in reversed(list(enumerate(k[0] for k in keys)))}
    return sorted(keys, key=lambda k: order[k[0]])


def key_name(binding: Binding) -> str:
    """A key as the operator reads it in the palette, F1 and the README (``Ctrl+S``, ``F5``,
    ``PgDn``, ``↑``): :func:`tui_report.tui.keynames.key_label` of the binding's key."""
    return key_label(binding.key)


def keys_of(bindings: list[Binding], action: str) -> str:
    """Every key bound to ``action`` in ``bindings``, as read aloud: ``Ctrl+S 或 F5``."""
    names: list[str] = []
    for binding in bindings:
        if binding.action == action and key_name(binding) not in names:
            names.append(key_name(binding))
    return " 或 ".join(names)


def markdown_rows(bindings: list[BindingType]) -> list[str]:
    """The README's key table rows for our own bindings (Chinese descriptions): one row per
    action, ``| Ctrl+S 或 F5 | 保存：… |``, in the order of the bindings."""
    ours = [b for b in bindings if isinstance(b, Binding) and b.description and not b.description.isascii()]
    rows: list[str] = []
    seen: set[str] = set()
    for binding in ours:
        if binding.action in seen:
            continue
        seen.add(binding.action)
        what = f"{binding.description}：{binding.tooltip}" if binding.tooltip else binding.description
        rows.append(f"| {keys_of(ours, binding.action)} | {what} |")
    return rows


def readme_tables() -> dict[str, list[str]]:
    """The README's key tables (the editor; the grid; the review desk), generated from the bindings:
    ``python -m tui_report.tui.keyhelp`` prints them, ``tests/tui/test_keys_documented.py``
    checks that the README has each row."""
    from tui_report.tui.app import ReportApp
    from tui_report.tui.grid.keys import GRID_BINDINGS
    from tui_report.tui.screens.editor import EditorScreen
    from tui_report.tui.screens.review import DeskTable, ReviewScreen
    from tui_report.tui.screens.reviewfindings import ReviewFindingsScreen
    from tui_report.tui.widgets.preamblepage import FieldArea, PreamblePage
    from tui_report.tui.widgets.textpage import ReportTextArea, TextPage

    editor = [*ReportApp.BINDINGS, *EditorScreen.BINDINGS, *TextPage.BINDINGS, *ReportTextArea.BINDINGS]
    findings = [b for b in ReviewFindingsScreen.BINDINGS if isinstance(b, Binding) and b.key in ("r", "v")]
    return {
        "填报界面": markdown_rows([*editor, *PreamblePage.BINDINGS, *FieldArea.BINDINGS]),
        "表格": markdown_rows(GRID_BINDINGS),
        "汇总审核": markdown_rows([*DeskTable.BINDINGS, *ReviewScreen.BINDINGS, *findings]),
    }


if __name__ == "__main__":
    for title, rows in readme_tables().items():
        print(f"{title}\n\n| 按键 | 作用 |\n|---|---|")
        print("\n".join(rows) + "\n")
