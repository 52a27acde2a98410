"""Where files live: Django's storages `"default"` (uploaded spreadsheets, error reports) and
`"models"` (trained model artifacts).

Both are folders on the local disk unless the environment names a bucket (settings.py,
`MEDIA_STORAGE_BUCKET` / `MODEL_STORAGE_BUCKET`); then they are objects in S3-compatible
storage (MinIO, a provider) through django-storages, and web and worker hosts share nothing on
disk. Code reads and writes files only through these storages, never through a path.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages


class ModelFileSystemStorage(FileSystemStorage):
    """The `"models"` storage on a local (or network-mounted) folder: MODEL_STORAGE_DIR.

    The folder is read from the settings on every use (tests and benchmarks change it), and
    a file is written to a temporary name, fsynced and renamed, so a crash or a full disk never
    leaves a half-written artifact under its final name.
    """

    @property
    def base_location(self):
        return self._value_or_setting(self._location, settings.MODEL_STORAGE_DIR)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def _save(self, name: str, content) -> str:
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        os.makedirs(directory, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".partial-", suffix=".tmp", dir=directory)
        try:
            with os.fdopen(fd, "wb") as fh:
                content.seek(0)
                for chunk in content.chunks():
                    fh.write(chunk)
                fh.flush()
                os.fsync(fh.fileno())
            # get_available_name gave a free name (random suffix), so nothing is replaced.
            os.replace(tmp_name, full_path)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        _fsync_directory(directory)
        return str(Path(full_path).relative_to(self.location)).replace(os.sep, "/")


def _fsync_directory(directory: str) -> None:
    # Make the new directory entry durable; not every platform can open a directory.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def model_storage() -> Storage:
    return storages["models"]


def local_folder(storage: Storage) -> Path | None:
    """The folder a storage keeps its files in, or None for object storage."""
    try:
        return Path(storage.path(""))
    except NotImplementedError:
        return None


def storage_walk(storage: Storage, prefix: str = "") -> Iterator[str]:
    """Every file name in `storage` under `prefix`, recursively (hidden entries skipped)."""
    try:
        folders, files = storage.listdir(prefix)
    except FileNotFoundError:
        return
    for name in sorted(files):
        if not name.startswith("."):
            yield f"{prefix}{name}"
    for folder in sorted(folders):
        if not folder.startswith("."):
            yield from storage_walk(storage, f"{prefix}{folder}/")


@contextlib.contextmanager
def local_copy(storage: Storage, name: str, *, suffix: str = "") -> Iterator[Path]:
    """A path on this host holding the stored file `name`: the file itself on a local folder,
    otherwise a private temporary copy, deleted when the block ends (readers that need a path,
    e.g. the spreadsheet reader's child process)."""
    folder = local_folder(storage)
    if folder is not None:
        yield Path(storage.path(name))
        return
    fd, tmp_name = tempfile.mkstemp(prefix="smk-", suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as out, storage.open(name, "rb") as src:
            shutil.copyfileobj(src, out, 1024 * 1024)
        yield Path(tmp_name)
    finally:
        Path(tmp_name).unlink(missing_ok=True)
