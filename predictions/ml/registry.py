"""Model artifacts: one versioned zip per trained model, written atomically, with a sha256.

The zip holds ``metadata.json`` (what the caller passed + format version, creation time and
library versions) and ``model.joblib`` (the fitted estimator with all its preprocessing;
deep models carry their network inside as a ``.keras`` archive).

Loading unpickles code, so only load artifacts this application wrote: `load_model` refuses
a file whose sha256 differs from the one recorded at save time (the database row).
Importing this module never imports TensorFlow or Keras.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import platform
import sys
import tempfile
import uuid
import zipfile
from datetime import UTC, datetime
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

import joblib

FORMAT_VERSION = 1
_MODEL_ENTRY = "model.joblib"
_META_ENTRY = "metadata.json"


class ArtifactChecksumError(Exception):
    """The artifact's sha256 differs from the recorded one (changed or corrupted file)."""


def library_versions() -> dict[str, str]:
    """Versions of the libraries a model depends on, without importing Keras/TensorFlow."""
    versions = {"python": platform.python_version()}
    for dist in (
        "numpy",
        "pandas",
        "scikit-learn",
        "joblib",
        "keras",
        "tensorflow-cpu",
        "tensorflow",
    ):
        try:
            versions[dist] = importlib_metadata.version(dist)
        except importlib_metadata.PackageNotFoundError:
            continue
    if "keras" in sys.modules:  # only ask Keras when a deep model already loaded it
        versions["keras_backend"] = sys.modules["keras"].backend.backend()
    else:
        versions["keras_backend"] = os.environ.get("KERAS_BACKEND", "tensorflow")
    return versions


def file_sha256(path: str | Path) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def artifact_file_name(stem: str) -> str:
    """A new artifact's file name: ``<stem>-<UTC timestamp>-<random>.zip``."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{stem}-{stamp}-{uuid.uuid4().hex[:8]}.zip"


def model_to_bytes(model: Any, *, metadata: dict[str, Any]) -> bytes:
    """The artifact of ``model`` as bytes (a zip: metadata.json + model.joblib), ready for any
    storage. ``metadata`` gains the format version, creation time, class and library versions."""
    meta = {
        **metadata,
        "format_version": FORMAT_VERSION,
        "created_at": datetime.now(UTC).isoformat(),
        "model_class": f"{type(model).__module__}.{type(model).__qualname__}",
        "libraries": library_versions(),
    }
    buffer = io.BytesIO()
    joblib.dump(model, buffer, compress=3)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr(_META_ENTRY, json.dumps(meta, indent=2, default=str))
        zf.writestr(_MODEL_ENTRY, buffer.getvalue())
    return out.getvalue()


def model_from_bytes(blob: bytes, *, sha256: str, name: str = "") -> Any:
    """The model in artifact bytes, after checking their sha256 against the recorded one;
    raise ArtifactChecksumError on mismatch (hash and unzip the same bytes)."""
    actual = hashlib.sha256(blob).hexdigest()
    if actual != sha256:
        raise ArtifactChecksumError(
            f"Checksum berkas model tidak cocok ({Path(name).name}): tercatat {sha256[:12]}…, "
            f"berkas {actual[:12]}…. Berkas berubah atau rusak; latih ulang model. "
            f"(Model artifact checksum mismatch.)"
        )
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        return joblib.load(io.BytesIO(zf.read(_MODEL_ENTRY)))


def save_model(
    model: Any,
    directory: str | Path,
    *,
    metadata: dict[str, Any],
    name: str | None = None,
) -> tuple[Path, str]:
    """Write ``model`` to a new versioned zip in a local ``directory``; return (path, sha256).

    (The web app stores artifacts through Django's `"models"` storage instead, with
    `model_to_bytes`; this is for code without Django.) The zip is written to a temporary
    file in the same directory, flushed and fsynced, then renamed over the final name, so a
    crash or a full disk never leaves a half-written artifact under the final name.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    stem = name or str(metadata.get("model") or type(model).__name__)
    final = directory / artifact_file_name(stem)
    blob = model_to_bytes(model, metadata=metadata)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{stem}-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp_name, final)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    _fsync_directory(directory)
    return final, hashlib.sha256(blob).hexdigest()


def load_model(path: str | Path, *, sha256: str) -> Any:
    """Load an artifact file after checking its sha256; raise ArtifactChecksumError on mismatch."""
    return model_from_bytes(Path(path).read_bytes(), sha256=sha256, name=str(path))


def read_metadata(path: str | Path | bytes) -> dict[str, Any]:
    """The artifact's metadata.json (no unpickling, safe to call on any file or bytes)."""
    source = io.BytesIO(path) if isinstance(path, bytes) else path
    with zipfile.ZipFile(source) as zf:
        return json.loads(zf.read(_META_ENTRY))


def _fsync_directory(directory: Path) -> None:
    # Make the rename itself durable; not every platform can open a directory.
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
