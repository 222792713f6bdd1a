"""A file as it was loaded (device, inode, size, mtime in ns, SHA-256 of its bytes): the bytes decide
whether it changed since."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from tui_report.storage.safefile import MAX_REPORT_BYTES, read_regular


@dataclass(frozen=True)
class Fingerprint:
    dev: int
    ino: int
    size: int
    mtime_ns: int
    sha256: str

    @classmethod
    def of(cls, data: bytes, info: os.stat_result) -> Fingerprint:
        return cls(info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, hashlib.sha256(data).hexdigest())

    def to_json(self) -> dict[str, object]:
        return {
            "dev": self.dev,
            "ino": self.ino,
            "size": self.size,
            "mtime_ns": self.mtime_ns,
            "sha256": self.sha256,
        }

    @classmethod
    def from_json(cls, data: object) -> Fingerprint | None:
        if not isinstance(data, dict):
            return None
        try:
            return cls(
                int(data["dev"]),
                int(data["ino"]),
                int(data["size"]),
                int(data["mtime_ns"]),
                str(data["sha256"]),
            )
        except (KeyError, TypeError, ValueError):
            return None


def read_with_fingerprint(path: Path) -> tuple[bytes, Fingerprint]:
    """The file's bytes and fingerprint, from one open regular file (no symlink, FIFO or device;
    at most :data:`MAX_REPORT_BYTES`). Raises :class:`ReportFileError` (its ``__cause__`` is
    FileNotFoundError when the file is missing)."""
    data, info = read_regular(path, MAX_REPORT_BYTES)
    return data, Fingerprint.of(data, info)
