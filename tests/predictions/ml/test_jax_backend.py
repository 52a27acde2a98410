"""The GPU route: GPU hosts have JAX but no TensorFlow, so the deep models must train, score
and travel as artifacts under KERAS_BACKEND=jax. Run here on JAX's CPU wheels, in a fresh
process (the backend is fixed when Keras is first imported)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.slow

_CODE = """
import json, sys, tempfile
import numpy as np
from tests.predictions.ml.conftest import planted_sequence_data
from predictions.ml import registry
from predictions.ml.train import train_and_select
from predictions.ml.models import make_model

data = planted_sequence_data(160, seed=2)
out = {}
for name in ("rnn", "cnn"):
    model = make_model(name, seed=0, n_seeds=1, epochs=8).fit(data.subset(np.arange(120)))
    test = data.subset(np.arange(120, 160))
    proba = model.predict_proba(test)
    with tempfile.TemporaryDirectory() as tmp:
        path, sha = registry.save_model(model, tmp, metadata={"model": name})
        again = registry.load_model(path, sha256=sha).predict_proba(test)
        meta = registry.read_metadata(path)
    out[name] = {
        "shape": list(proba.shape),
        "finite": bool(np.isfinite(proba).all()),
        "same_after_reload": bool(np.allclose(proba, again, atol=1e-5)),
        "accuracy": float(np.mean(model.predict(test) == test.y)),
        "backend_recorded": meta["libraries"]["keras_backend"],
    }
# ml.train end to end (cross-validation, ensemble, calibration) on the JAX backend
small = {n: make_model(n, seed=0, n_seeds=1, epochs=5) for n in ("rnn", "cnn")}
result = train_and_select(data, models=small, folds=2)
out["train_champion"] = result.champion
import keras
out["backend"] = keras.backend.backend()
out["tensorflow_loaded"] = "tensorflow" in sys.modules
print("RESULT" + json.dumps(out))
"""


def test_rnn_and_cnn_train_score_and_reload_under_the_jax_backend():
    pytest.importorskip("jax")
    env = {**os.environ, "KERAS_BACKEND": "jax", "JAX_PLATFORMS": "cpu"}
    proc = subprocess.run(
        [sys.executable, "-c", _CODE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = next(x for x in proc.stdout.splitlines() if x.startswith("RESULT"))
    out = json.loads(line[len("RESULT") :])
    assert out["backend"] == "jax"  # (Keras may still import TensorFlow where it is installed)
    for name in ("rnn", "cnn"):
        r = out[name]
        assert r["shape"] == [40, 3] and r["finite"] and r["same_after_reload"]
        assert r["backend_recorded"] == "jax"
        assert r["accuracy"] > 0.5, (name, r)
    assert out["train_champion"] in ("rnn", "cnn")
