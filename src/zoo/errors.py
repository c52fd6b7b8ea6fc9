"""The one exception type for mistakes a user can make (config, data, checkpoint), and the
one sentence for a file or disk the system refused (`outside_world`).

Entry points catch it and print its message as a single sentence, without a traceback.
"""

from __future__ import annotations

import errno

_ELSEWHERE = "use another path (for the run folder: hydra.run.dir=...)"
# what an OSError's errno means to a user, and what to do about it
ADVICE = {
    errno.EACCES: f"zoo may not read or write there: change its permissions, or {_ELSEWHERE}",
    errno.EPERM: f"the system does not let zoo read or write there: {_ELSEWHERE}",
    errno.EROFS: f"it is on a read-only file system: {_ELSEWHERE}",
    errno.ENOSPC: f"the disk is full: free space on it, or {_ELSEWHERE}",
    errno.EDQUOT: f"the disk quota is used up: free space, or {_ELSEWHERE}",
    errno.ENOENT: f"check the path, or {_ELSEWHERE}",
    errno.ENOTDIR: f"a part of it is a file, not a folder: check the path, or {_ELSEWHERE}",
    errno.EISDIR: "it is a folder, where a file was needed: check the path",
    errno.ELOOP: "it leads into a loop of symbolic links: point the link at a file",
}
NO_PATH = (errno.ENOSPC, errno.EDQUOT)  # a full disk is news even when no path is known


class ZooError(Exception):
    """A user-fixable problem; the message says what is wrong and how to fix it."""


def outside_world(exc: OSError) -> ZooError | None:
    """One sentence for a file or disk the system refused: the path, the cause and what to
    do; None for an OSError that names no path and is no full disk (a bug keeps its
    traceback)."""
    advice = ADVICE.get(exc.errno)
    if advice is None or (exc.filename is None and exc.errno not in NO_PATH):
        return None
    where = f"{exc.filename}: " if exc.filename is not None else ""
    error = ZooError(f"{where}{exc.strerror} ({errno.errorcode[exc.errno]}); {advice}.")
    error.__cause__ = exc
    return error
