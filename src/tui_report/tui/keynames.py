"""How a key is written for the operator, in one place: the footer, F1, the palette's help and the
README's key tables all name keys through :func:`key_label` (``↑``, ``PgDn``, ``Ctrl+S``, ``Esc``).

Bindings declare the key only (``"ctrl+s"``), never a display of their own: the app's
``get_key_display`` calls :func:`key_label`, so Textual's built-in keys (text boxes, lists, the
palette) are named the same way as ours. Import-light: the footer needs it at start-up."""

from __future__ import annotations

# Textual's key names → what is printed on the keyboard (or the arrow itself).
KEY_LABELS: dict[str, str] = {
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "home": "Home",
    "end": "End",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "tab": "Tab",
    "enter": "Enter",
    "escape": "Esc",
    "delete": "Del",
    "backspace": "Backspace",
    "insert": "Ins",
    "space": "空格",
}
MODIFIER_LABELS: dict[str, str] = {"ctrl": "Ctrl", "shift": "Shift", "alt": "Alt", "meta": "Meta"}


def key_label(key: str) -> str:
    """``ctrl+home`` → ``Ctrl+Home``, ``up`` → ``↑``, ``pagedown`` → ``PgDn``, ``f1`` → ``F1``,
    ``ctrl+c`` → ``Ctrl+C``, ``s`` → ``S``; a comma-separated binding key names its first key."""
    first = key.split(",")[0].strip()
    *modifiers, name = first.split("+") if first != "+" else ["+"]
    if name in KEY_LABELS:
        shown = KEY_LABELS[name]
    elif len(name) == 1 or (name[0] == "f" and name[1:].isdigit()):
        shown = name.upper()  # a letter key (S on the desk), a function key (F12)
    else:
        from textual.keys import format_key  # loaded with Textual already

        shown = format_key(name)
        shown = shown.upper() if len(shown) == 1 else shown
    return "+".join([*(MODIFIER_LABELS.get(m, m.title()) for m in modifiers), shown])
