"""Backups cover object storage too (issue 27): with MODEL_STORAGE_BUCKET and
MEDIA_STORAGE_BUCKET set, `manage.py backup` archives every object of both buckets and
`restore` puts exactly those objects back, against a real S3-protocol server (moto's
standalone server over HTTP)."""

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command

from predictions.artifacts import model_artifact_intact, model_artifact_save
from smk_dashboard.settings import _object_storage
from tests.ops.conftest import free_port, postgres_only
from tests.predictions.factories import ModelVersionFactory
from tests.students.factories import SchoolFactory


@pytest.fixture
def s3_buckets(settings, monkeypatch, tmp_path):
    """A moto S3 server on a free port, two buckets, and STORAGES pointing at them."""
    import boto3

    port = free_port()
    log = (tmp_path / "moto.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(endpoint, timeout=2).close()  # noqa: S310 — loopback
            break
        except urllib.error.HTTPError:
            break
        except OSError:
            assert time.monotonic() < deadline, "moto server did not start"
            time.sleep(0.3)
    for name, value in {
        "OBJECT_STORAGE_ENDPOINT_URL": endpoint,
        "OBJECT_STORAGE_ACCESS_KEY": "smk",
        "OBJECT_STORAGE_SECRET_KEY": "smk-secret",
        "OBJECT_STORAGE_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="smk",
        aws_secret_access_key="smk-secret",
    )
    for bucket in ("smk-media", "smk-models"):
        client.create_bucket(Bucket=bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": _object_storage("smk-media"),
        "models": _object_storage("smk-models"),
    }
    yield client
    proc.terminate()
    proc.wait(timeout=30)
    log.close()


def _keys(client, bucket: str) -> list[str]:
    return sorted(o["Key"] for o in client.list_objects_v2(Bucket=bucket).get("Contents", []))


@postgres_only
def test_backup_and_restore_round_trip_both_buckets(transactional_db, tmp_path, s3_buckets):
    # Given: a trained model's artifact in the models bucket and an upload in the media bucket.
    school = SchoolFactory(npsn="20107001")
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression().fit([[0.0], [1.0]], [0, 1])
    name, sha = model_artifact_save(school=school, model=model, metadata={"model": "lr"})
    version = ModelVersionFactory(school=school, artifact_path=name, artifact_sha256=sha)
    upload = storages["default"].save("imports/20107001/daftar.xlsx", ContentFile(b"PK\x03\x04"))
    assert _keys(s3_buckets, "smk-models") == [name]

    # When: a backup, then the objects are lost (and a stray one appears), then a restore.
    out = StringIO()
    call_command("backup", "--dest", str(tmp_path / "backups"), stdout=out)
    backup = Path(json.loads(out.getvalue())["path"])
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["model_storage_dir"] == "s3://smk-models"
    assert manifest["media_root"] == "s3://smk-media"
    storages["models"].delete(name)
    storages["default"].delete(upload)
    storages["models"].save("stray.zip", ContentFile(b"made after the backup"))
    assert not model_artifact_intact(version=version)

    call_command("restore", str(backup), "--noinput", stdout=StringIO())

    # Then: exactly the backed-up objects, byte for byte (the sha256 on load agrees).
    assert _keys(s3_buckets, "smk-models") == [name]
    assert _keys(s3_buckets, "smk-media") == [upload]
    assert model_artifact_intact(version=version)
    with storages["default"].open(upload, "rb") as fh:
        assert fh.read() == b"PK\x03\x04"
