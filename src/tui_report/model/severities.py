"""How bad a finding is: the three severities, their Chinese labels and the marks screens show.

Import-light on purpose (no Pydantic): the CLI and the screens read it."""

from __future__ import annotations

from typing import Literal

Severity = Literal["error", "warning", "info"]

# Most severe first: findings are listed in this order.
SEVERITY_LABELS: dict[Severity, str] = {"error": "错误", "warning": "警告", "info": "提示"}
# The one-character mark beside a cell or a finding (the colour says the same, the mark survives
# a terminal without colours).
SEVERITY_MARKS: dict[Severity, str] = {"error": "!", "warning": "?", "info": "i"}
SEVERITY_ORDER: dict[Severity, int] = {severity: i for i, severity in enumerate(SEVERITY_LABELS)}
