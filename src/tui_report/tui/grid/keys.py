"""The grid's keys, in one place: the bindings (what each key does, with its Chinese description)
and the help text. F1 and the command palette list them from here, and a test checks that the
README's key table names each of them."""

from __future__ import annotations

from textual.binding import Binding, BindingType

# Run by on_key, in order with the digits typed around them (fast typing, a paste, tmux): a
# binding left to Textual runs when the key reaches the app (priority: at once, ahead of the
# digits still queued here; otherwise after bubbling up, behind later digits). Looked up
# through the screen's active bindings, so App.set_keymap remaps them by their ids.
GRID_BINDINGS: list[BindingType] = [
    Binding("enter", "enter", "确认/编辑", id="grid.enter", show=False),
    Binding("f2", "edit", "编辑单元格", id="grid.edit", show=False),
    Binding("tab", "tab", "确认并右移", id="grid.tab", show=False),
    Binding(
        "shift+tab",
        "backtab",
        "确认并左移",
        id="grid.backtab",
        show=False,
    ),
    Binding("up", "move(-1, 0)", "上移", id="grid.up", show=False),
    Binding("down", "move(1, 0)", "下移", id="grid.down", show=False),
    Binding("left", "left", "左移", id="grid.left", show=False),
    Binding("right", "right", "右移", id="grid.right", show=False),
    Binding("home", "home", "行首", id="grid.home", show=False),
    Binding("end", "end", "行尾", id="grid.end", show=False),
    Binding(
        "ctrl+home",
        "first_row",
        "第一行",
        id="grid.first_row",
        show=False,
    ),
    Binding(
        "ctrl+end",
        "last_row",
        "最后一行",
        id="grid.last_row",
        show=False,
    ),
    Binding("escape", "cancel", "取消编辑", id="grid.cancel", show=False),
    Binding("delete", "clear", "清空单元格", id="grid.clear", show=False),
    Binding(
        "backspace",
        "backspace",
        "删除一字/清空",
        id="grid.backspace",
        show=False,
    ),
]

# What the keys below cannot say (F1 lists the keys themselves, from GRID_BINDINGS).
GRID_HELP = (
    "表格：直接输入数字即开始改写当前格；确认后跳过自动合计的格子。全角数字（１２）和千位分隔符会自动转换。"
    "标 = 的格是自动计算的合计，不能填写；标 ! 的格有错误，标 ? 的格有警告。"
    "从 Excel 复制一块格子粘贴到这里，按位置从当前格向右、向下填入（合计格不填），Ctrl+Z 一次撤销整次粘贴。"
)
