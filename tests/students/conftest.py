import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path_factory):
    """Uploaded files (kept for audit) go to a temporary MEDIA_ROOT in tests."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
