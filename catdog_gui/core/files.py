"""Saving files whole or not at all (no torch: the window's thread may use it too)."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from .errors import UserError


def write_atomically(path: Path, write) -> None:
    """Call ``write(temp_path)`` and rename the result over ``path``; clean up and explain on failure."""
    temp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)  # inside the try: a read-only folder is the user's to fix
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(handle)
        write(temp)
        os.chmod(temp, 0o666 & ~_umask())  # mkstemp makes files private; saved files follow the umask
        os.replace(temp, path)
    except OSError as error:
        if temp is not None:
            Path(temp).unlink(missing_ok=True)
        hint = SAVE_HINTS.get(error.errno, "")
        raise UserError(f"{path}: could not save ({error.strerror or error}); the previous file is unchanged"
                        + (f"; {hint}" if hint else "")) from None
    except BaseException:
        if temp is not None:
            Path(temp).unlink(missing_ok=True)
        raise


SAVE_HINTS = {
    errno.ENOSPC: "free some disk space, then try again",
    errno.EDQUOT: "free some disk space, then try again",
    errno.EROFS: "the disk is read-only: choose a folder on another disk",
    errno.EACCES: "choose a folder you may write to",
    errno.EPERM: "choose a folder you may write to",
}


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
