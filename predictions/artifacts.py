"""Model artifacts in Django's `"models"` storage (a local folder, or a bucket of S3-compatible
object storage when MODEL_STORAGE_BUCKET is set: smk_dashboard/core/storage.py).

`predictions.ml.registry` turns a model into bytes and back (no Django); this module moves
those bytes in and out of the storage. A version row holds the stored name
(`<npsn>/<model>-<time>-<random>.zip`) and its sha256, checked on every load. Rows written
before the storage existed hold an absolute path; those are read from the disk as before.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile

from smk_dashboard.core.storage import model_storage
from students.models import School

from .ml.registry import artifact_file_name, model_from_bytes, model_to_bytes
from .models import ModelVersion


def model_artifact_save(*, school: School, model: Any, metadata: dict) -> tuple[str, str]:
    """Store a new artifact of `model` for `school`; return (stored name, sha256). Written
    whole or not at all (local folder: temporary file + rename; S3: one PUT)."""
    blob = model_to_bytes(model, metadata=metadata)
    stem = str(metadata.get("model") or type(model).__name__)
    name = model_storage().save(f"{school.npsn}/{artifact_file_name(stem)}", ContentFile(blob))
    return name, hashlib.sha256(blob).hexdigest()


def model_artifact_bytes(*, version: ModelVersion) -> bytes:
    """The stored bytes of a version's artifact (OSError / FileNotFoundError when missing)."""
    path = version.artifact_path
    if os.path.isabs(path):  # a row from before the storage: a full path on this host
        return Path(path).read_bytes()
    with model_storage().open(path, "rb") as fh:
        return fh.read()


def model_artifact_intact(*, version: ModelVersion) -> bool:
    """True when the artifact is there and its sha256 is the recorded one."""
    try:
        blob = model_artifact_bytes(version=version)
    except (OSError, ValueError):
        return False
    return hashlib.sha256(blob).hexdigest() == version.artifact_sha256


def model_artifact_load(*, version: ModelVersion) -> Any:
    """The fitted model of `version`, after its sha256 check (ArtifactChecksumError)."""
    blob = model_artifact_bytes(version=version)
    return model_from_bytes(blob, sha256=version.artifact_sha256, name=version.artifact_path)
