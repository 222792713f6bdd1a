"""POSIX ACLs of a file, read from its extended attributes (no ``getfacl`` needed).

Linux stores an ACL in ``system.posix_acl_access`` (and a folder's inherited one in
``system.posix_acl_default``) as a little-endian version word (2) followed by one 8-byte entry per
line of ``getfacl``: tag (u16), permissions (u16), user or group id (u32). A named group's
effective permissions are its entry's bits within the mask.
"""

from __future__ import annotations

import errno
import os
import struct
from dataclasses import dataclass

ACCESS = "system.posix_acl_access"
DEFAULT = "system.posix_acl_default"
USER_OBJ, USER, GROUP_OBJ, GROUP, MASK, OTHER = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20
READ, WRITE, EXECUTE = 4, 2, 1
_HEADER = struct.Struct("<I")
_ENTRY = struct.Struct("<HHI")


class AclUnsupported(Exception):
    """The file system keeps no ACLs (or they cannot be read here)."""


@dataclass(frozen=True, slots=True)
class Acl:
    entries: tuple[tuple[int, int, int], ...]  # (tag, permissions, id)

    def _find(self, tag: int, ident: int | None = None) -> int | None:
        for entry_tag, perm, entry_id in self.entries:
            if entry_tag == tag and (ident is None or entry_id == ident):
                return perm
        return None

    def group(self, gid: int) -> int | None:
        """The effective permissions of the named group ``gid`` (within the mask), or None."""
        perm = self._find(GROUP, gid)
        if perm is None:
            return None
        mask = self._find(MASK)
        return perm & mask if mask is not None else perm

    def named_groups(self) -> dict[int, int]:
        """Every named group's effective permissions."""
        return {ident: self.group(ident) or 0 for tag, _perm, ident in self.entries if tag == GROUP}


def parse(raw: bytes) -> Acl:
    if len(raw) < _HEADER.size or (len(raw) - _HEADER.size) % _ENTRY.size:
        raise ValueError("not a POSIX ACL")
    entries = tuple(_ENTRY.iter_unpack(raw[_HEADER.size :]))
    return Acl(entries)


def read_acl(path: str | os.PathLike[str], *, default: bool = False) -> Acl | None:
    """The file's ACL (``default``: a folder's inherited one); None when it has none beyond its
    mode bits. Never follows a symlink. Raises :class:`AclUnsupported`."""
    try:
        raw = os.getxattr(path, DEFAULT if default else ACCESS, follow_symlinks=False)
    except OSError as exc:
        if exc.errno == errno.ENODATA:
            return None
        raise AclUnsupported(str(exc)) from exc
    try:
        return parse(raw)
    except ValueError as exc:
        raise AclUnsupported(str(exc)) from exc


def perm_text(perm: int | None) -> str:
    """``r-x`` for 5; ``---`` for None or 0."""
    perm = perm or 0
    return "".join(ch if perm & bit else "-" for ch, bit in (("r", READ), ("w", WRITE), ("x", EXECUTE)))
