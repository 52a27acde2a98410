import zipfile

import numpy as np
import pytest

from predictions.ml import registry
from predictions.ml.models import make_model
from predictions.ml.registry import ArtifactChecksumError, load_model, read_metadata, save_model


@pytest.mark.parametrize("name", ["gbdt", "rnn"])
def test_round_trip_gives_identical_probabilities(name, planted, tmp_path):
    params = {"n_seeds": 2, "epochs": 3} if name == "rnn" else {}
    model = make_model(name, seed=0, **params).fit(planted)
    path, sha = save_model(model, tmp_path, metadata={"model": name, "school": "20100001"})
    assert path.parent == tmp_path and path.suffix == ".zip"
    assert sha == registry.file_sha256(path)
    loaded = load_model(path, sha256=sha)
    np.testing.assert_allclose(
        loaded.predict_proba(planted), model.predict_proba(planted), atol=1e-6
    )
    meta = read_metadata(path)
    assert meta["model"] == name and meta["school"] == "20100001"
    assert {"numpy", "scikit-learn", "keras", "keras_backend"} <= set(meta["libraries"])
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp leftovers


def test_each_save_is_a_new_version(planted, tmp_path):
    model = make_model("lr").fit(planted)
    first, _ = save_model(model, tmp_path, metadata={"model": "lr"})
    second, _ = save_model(model, tmp_path, metadata={"model": "lr"})
    assert first != second and first.exists() and second.exists()


def test_a_changed_file_is_refused(planted, tmp_path):
    path, sha = save_model(make_model("lr").fit(planted), tmp_path, metadata={"model": "lr"})
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("extra.txt", "tampered")
    with pytest.raises(ArtifactChecksumError, match="Checksum berkas model tidak cocok"):
        load_model(path, sha256=sha)


def test_a_failed_write_leaves_no_file_behind(planted, tmp_path, monkeypatch):
    def disk_full(self, name, data, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "writestr", disk_full)
    with pytest.raises(OSError, match="No space"):
        save_model(make_model("lr").fit(planted), tmp_path, metadata={"model": "lr"})
    assert list(tmp_path.iterdir()) == []
