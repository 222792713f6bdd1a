from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@pytest.fixture
def dama_path() -> Path:
    return EXAMPLES / "dama-2021.toml"


@pytest.fixture
def full_path() -> Path:
    return EXAMPLES / "full-2024.toml"
