"""The folder backend: one file per key under `media.folder`, for a single instance (the default).

A file holds its content type on the first line and the bytes after it, so one rename makes both
visible at once. Writes go to a temporary file in the same folder and are renamed into place: a
reader sees the old blob or the new one, never half of one, and a crash leaves only a temp file.
"""
import os
import tempfile
from pathlib import Path

from media.store import check_key

TEMP_PREFIX = ".part-"


class FolderStore:
    """Blobs under `root/<first two characters of the key>/<key>`, so no one folder grows huge."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        key = check_key(key)  # letters, digits, - and _ only: never "..", "/" or an absolute path
        return self.root / key[:2] / key

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Write under a temporary name, flush to disk, then rename over the key's file."""
        if "\n" in content_type or not content_type.isascii():
            raise ValueError(f"bad content type {content_type[:60]!r}")
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(content_type.encode("ascii") + b"\n" + data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> tuple[bytes, str] | None:
        """The bytes and type, or None when the key has no file."""
        try:
            stored = self._path(key).read_bytes()
        except FileNotFoundError:
            return None
        content_type, _, data = stored.partition(b"\n")
        return data, content_type.decode("ascii")

    def delete(self, key: str) -> None:
        """Remove the key's file if there is one."""
        self._path(key).unlink(missing_ok=True)
