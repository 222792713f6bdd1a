"""Questions about other people's work and lost work: the lock, the recovery journal, outside changes.

- :class:`LockDialog` — someone is editing (who, since when, their last keystroke, the unit's
  contact from the roster): 只读打开 / 等待 / 结束旧会话并接管 (own session only) / 取消.
- :class:`WaitDialog` — waiting for the lock (a worker retries; Esc stops).
- :class:`RecoveryDialog` — unsaved edits from an earlier session: 恢复 / 查看差异 / 丢弃.
- :class:`OutsideChangeDialog` — the file changed outside: 重新载入 / 覆盖 / 另存为 / 合并 / 取消.
- :class:`ChangesScreen` — a list of field changes (查看差异).

Each returns its choice as a short string; the app acts on it (see ``ReportApp``).
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, OptionList, Static
from textual.widgets.option_list import Option

from tui_report.host.procinfo import ProcessFacts, ago_text
from tui_report.host.terminal import escape_line
from tui_report.model.diff import FieldChange
from tui_report.review.roster import RosterUnit
from tui_report.safety.lock import QUIET_SECONDS, LockedError
from tui_report.session import OutsideChange, Recovery
from tui_report.tui.plain import plain, plain_line
from tui_report.tui.widgets.wrapped import WrappedText


def _button(label: str, name: str, variant: str = "default") -> Button:
    return Button(plain_line(label), id=f"btn-{name}", variant=variant)  # type: ignore[arg-type]


class _Choice(ModalScreen[str]):
    """A modal question answered by a button or its letter; Esc = cancel."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "app.focus_previous", show=False),
        Binding("right", "app.focus_next", show=False),
    ]

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss((event.button.id or "btn-cancel").removeprefix("btn-"))

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)


def _opened_at(facts: ProcessFacts, now: datetime) -> str:
    if facts.started is None:
        return ""
    started = facts.started.astimezone(now.tzinfo)
    shown = started.strftime("%H:%M" if started.date() == now.date() else "%m月%d日 %H:%M")
    return f"{shown} 起" + (f"（终端 {facts.tty}）" if facts.tty else "")


def lock_lines(error: LockedError, contact: RosterUnit | None, now: datetime | None = None) -> list[str]:
    """What the lock dialog says of the colleague: facts from the system only — their full name
    (GECOS) and login, since when, how long since their last keystroke — and the unit's contact
    from the roster. How an administrator ends a session is not here (``tui-report doctor``)."""
    now = now or datetime.now().astimezone()
    name = escape_line(error.path.name)
    facts = error.holder
    if facts is None or error.owner is None:
        lines = [f"《{name}》{error.reason}。"]
    else:
        lines = [f"《{name}》正在由同事编辑：", f"  编辑人：{facts.who()}"]
        if opened := _opened_at(facts, now):
            lines.append(f"  打开于：{opened}")
        if facts.idle_seconds is not None:
            last = ago_text(facts.idle_seconds)
            quiet = "（很久没有按键，可能已离开或断线）" if facts.idle_seconds > QUIET_SECONDS else ""
            lines.append(f"  最后按键：{last}{quiet}")
    if contact is not None and (contact.contact_name or contact.contact_phone):
        person = escape_line(contact.contact_name) or "（名册未写姓名）"
        phone = f"  电话 {escape_line(contact.contact_phone)}" if contact.contact_phone else ""
        lines.append(f"  单位联系人：{person}{phone}（名册）")
    return lines


class LockDialog(_Choice):
    """Someone has the report. Returns read_only, wait, take_over or cancel."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *_Choice.BINDINGS,
        Binding("r", "choose('read_only')", "只读打开", id="lock.read_only"),
        Binding("w", "choose('wait')", "等待", id="lock.wait"),
        Binding("k", "take_over", "结束旧会话并接管", id="lock.take_over"),
        Binding("escape", "choose('cancel')", "取消", id="lock.cancel"),
    ]
    HELP = (
        "报告正在被编辑：R 只读打开（可浏览、导出、另存为副本），W 等待对方退出后自动打开，"
        "K 结束自己之前断线留下的会话并接管（其未保存的修改会提示恢复），Esc 取消。"
    )

    def __init__(self, error: LockedError, contact: RosterUnit | None = None) -> None:
        super().__init__()
        self.error = error
        self.contact = contact

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield WrappedText("\n".join(lock_lines(self.error, self.contact)), classes="dialog-text")
            if self.error.can_take_over:
                yield WrappedText(
                    "这是你自己的另一个会话（可能是之前断线留下的）。接管会先让它保存恢复记录再退出。",
                    classes="guidance",
                )
            else:
                yield WrappedText(
                    "只读打开可以浏览、检查、导出和另存为；等待则在对方保存退出后自动打开。"
                    "需要对方尽快退出，请与对方联系。",
                    classes="guidance",
                )
            with Horizontal(classes="buttons"):
                yield _button("只读打开(R)", "read_only", "primary")
                yield _button("等待(W)", "wait")
                if self.error.can_take_over:
                    yield _button("接管(K)", "take_over")
                yield _button("取消(Esc)", "cancel")

    def on_mount(self) -> None:
        self.query_one("#btn-read_only", Button).focus()

    def action_take_over(self) -> None:
        if self.error.can_take_over:
            self.dismiss("take_over")


class WaitDialog(ModalScreen[str]):
    """Shown while a worker waits for the lock; the app dismisses it. Esc returns cancel."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "停止等待", id="wait.cancel"),
    ]

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield WrappedText(self.text, classes="dialog-text", id="wait-text")
            yield WrappedText("对方保存并退出后会自动打开。Esc 停止等待。", classes="guidance")

    def action_cancel(self) -> None:
        self.dismiss("cancel")


class RecoveryDialog(_Choice):
    """Unsaved edits were found. Returns recover, diff or discard (Esc = decide later: keep them)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *_Choice.BINDINGS,
        Binding("r", "choose('recover')", "恢复", id="recovery.recover"),
        Binding("d", "choose('diff')", "查看差异", id="recovery.diff"),
        Binding("x", "choose('discard')", "丢弃", id="recovery.discard"),
        Binding("escape", "choose('later')", "以后再说", id="recovery.later"),
    ]
    HELP = (
        "上次没有保存就断开了：R 恢复这些修改（之后记得保存），D 逐项查看差异，X 丢弃。"
        "Esc 暂不处理（恢复记录保留，下次打开时再提示）。"
    )

    def __init__(self, recovery: Recovery) -> None:
        super().__init__()
        self.recovery = recovery

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield WrappedText(self.recovery.summary + "。", classes="dialog-text")
            lines = [change.line(24) for change in self.recovery.changes[:4]]
            if len(self.recovery.changes) > 4:
                lines.append(f"……共 {len(self.recovery.changes)} 处，按 D 查看全部")
            if self.recovery.file_changed_since:
                lines.append("恢复后保存时会提示与他人修改的差异，不会直接覆盖。")
            yield WrappedText("\n".join(lines), classes="guidance")
            with Horizontal(classes="buttons"):
                yield _button("恢复(R)", "recover", "primary")
                yield _button("查看差异(D)", "diff")
                yield _button("丢弃(X)", "discard")

    def on_mount(self) -> None:
        self.query_one("#btn-recover", Button).focus()


class OutsideChangeDialog(_Choice):
    """The file changed outside the app. Returns reload, overwrite, save_as, merge or cancel."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *_Choice.BINDINGS,
        Binding("l", "choose('reload')", "重新载入", id="outside.reload"),
        Binding("o", "choose('overwrite')", "覆盖", id="outside.overwrite"),
        Binding("a", "choose('save_as')", "另存为", id="outside.save_as"),
        Binding("m", "merge", "合并", id="outside.merge"),
        Binding("d", "choose('diff')", "查看差异", id="outside.diff"),
        Binding("escape", "choose('cancel')", "取消", id="outside.cancel"),
    ]
    HELP = (
        "报告文件在本程序之外被修改了：L 重新载入（放弃我的修改），O 覆盖（用我的版本），"
        "A 另存为另一个文件，M 合并（取对方改动中我没动过的项目，冲突处保留我的），D 查看差异，Esc 取消。"
    )

    def __init__(self, change: OutsideChange, dirty: bool) -> None:
        super().__init__()
        self.change = change
        self.dirty = dirty

    @property
    def can_merge(self) -> bool:
        return self.change.kind == "modified" and self.change.disk_report is not None

    def compose(self) -> ComposeResult:
        change = self.change
        with Vertical(classes="dialog wide"):
            yield WrappedText(change.message + "。", classes="dialog-text")
            lines = [c.line(24) for c in change.theirs[:4]]
            if len(change.theirs) > 4:
                lines.append(f"……共 {len(change.theirs)} 处，按 D 查看全部")
            if change.conflicts:
                lines.append(f"其中 {len(change.conflicts)} 处你也改过（冲突）。")
            if not self.dirty:
                lines.append("你没有未保存的修改，重新载入不会丢失任何内容。")
            yield WrappedText("\n".join(lines), classes="guidance")
            with Horizontal(classes="buttons"):
                yield _button("重新载入(L)", "reload", "primary" if not self.dirty else "default")
                yield _button("覆盖(O)", "overwrite")
                yield _button("另存为(A)", "save_as")
                if self.can_merge:
                    yield _button("合并(M)", "merge")
                yield _button("取消(Esc)", "cancel")

    def on_mount(self) -> None:
        self.query_one("#btn-reload" if not self.dirty else "#btn-save_as", Button).focus()

    def action_merge(self) -> None:
        if self.can_merge:
            self.dismiss("merge")


class ChangesScreen(Screen[None]):
    """Field-by-field differences (查看差异). Esc returns."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter,q", "close", "返回", id="changes.close"),
    ]
    HELP = "差异列表：每行一项（表格单元格、正文、前言），“旧 → 新”。↑ ↓ 滚动，Esc 返回。"

    def __init__(self, title: str, groups: list[tuple[str, list[FieldChange]]]) -> None:
        super().__init__()
        self.title_text = title
        self.groups = groups

    def compose(self) -> ComposeResult:
        yield Static(plain_line(self.title_text + "（Esc 返回）"), classes="title-bar")
        options: list[Option] = []
        for heading, changes in self.groups:
            if not changes:
                continue
            options.append(Option(plain_line(f"-- {heading}（{len(changes)} 处）--"), disabled=True))
            for change in changes:
                options.append(
                    Option(
                        plain(f"{change.label}\n    {change.old or '（空）'}\n  → {change.new or '（空）'}")
                    )
                )
        if not options:
            options.append(Option("没有差异。", disabled=True))
        yield OptionList(*options, id="changes")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#changes", OptionList).focus()

    def action_close(self) -> None:
        self.dismiss(None)
