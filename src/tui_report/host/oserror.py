"""Chinese texts for OS errors.

The operating system's own texts (``strerror``) are English ("Permission denied", "Too many levels
of symbolic links"); an operator reads Chinese, so every OSError shown to one goes through
:func:`os_error_text`. It lives at the bottom layer so that every layer can use it.
"""

from __future__ import annotations

import errno

_ERRNO_TEXTS = {
    errno.ENOENT: "文件或文件夹不存在",
    errno.EISDIR: "这是一个文件夹",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.EACCES: "没有权限",
    errno.EPERM: "操作不被允许",
    errno.ELOOP: "是符号链接（为安全起见不跟随链接）",
    errno.ENOSPC: "磁盘已满",
    errno.EDQUOT: "磁盘配额已用完",
    errno.EROFS: "文件系统只读",
    errno.ENAMETOOLONG: "文件名过长",
    errno.EMFILE: "打开的文件过多",
    errno.ENFILE: "系统打开的文件过多",
    errno.EIO: "读写出错（磁盘或网络故障）",
    errno.EEXIST: "文件已存在",
    errno.EXDEV: "不能跨文件系统移动",
    errno.ENXIO: "设备或地址不存在",
    errno.EAGAIN: "资源暂时不可用",
    errno.EBUSY: "文件正被占用",
    errno.ETXTBSY: "文件正被占用",
    errno.ESTALE: "网络文件句柄已失效，请重新打开",
    errno.EINVAL: "参数无效",
    errno.EFBIG: "文件过大",
    errno.ENOMEM: "内存不足",
    errno.EINTR: "操作被中断",
    errno.ENODEV: "设备不存在",
    errno.EOPNOTSUPP: "文件系统不支持该操作",
    errno.EMLINK: "链接数过多",
    errno.ENOLCK: "系统无法再加锁",
}


def os_error_text(exc: OSError) -> str:
    """A short Chinese text for an OSError (never the system's English one)."""
    if exc.errno is None:
        return "系统错误"
    return _ERRNO_TEXTS.get(exc.errno) or f"系统错误（{errno.errorcode.get(exc.errno, exc.errno)}）"
