import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path_factory, monkeypatch):
    """Uploaded files (kept for audit) go to a temporary MEDIA_ROOT in tests; the variable is
    exported too, so a real Celery worker started by the test reads the same folder."""
    media = tmp_path_factory.mktemp("media")
    settings.MEDIA_ROOT = media
    monkeypatch.setenv("MEDIA_ROOT", str(media))
