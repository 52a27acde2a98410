import pytest

from .district import District, seed_district


@pytest.fixture
def district(settings, tmp_path) -> District:
    settings.MODEL_STORAGE_DIR = tmp_path / "models"
    return seed_district()
