"""GPU (or CPU) training throughput of the deep models through the project's own code path.

    KERAS_BACKEND=jax python benchmarks/gpu_train.py [--students 1000000] [--terms 8]
        [--features 24] [--models rnn,cnn] [--epochs 40] [--through-train] [--out FILE]

Builds a synthetic `SequenceData` of N students x T terms x F step features (+ 4 static
columns; the label depends on the last terms, so early stopping has something to find),
then fits each model with `predictions.ml.models.make_model(name)` — the estimator that
`predictions.ml.train.train_and_select` fits — and prints, per model: the Keras backend, the
device, fit seconds, epochs run, and training samples/s (samples pushed through training
steps / fit wall time; preprocessing and the early-stopping evaluations are inside the
time). With --through-train the timing is of `train_and_select` itself (2 folds + refit,
no ensemble or calibration), the path a `-Q gpu` worker runs.

Bar (issue 16): >= 500,000 samples/s for the GRU on one H100/H200 at 1,000,000 students.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from predictions.ml.data import SequenceData  # noqa: E402
from predictions.ml.labels import category_from_average  # noqa: E402


def synthetic(n: int, terms: int, features: int, seed: int = 0) -> SequenceData:
    rng = np.random.default_rng(seed)
    lengths = rng.integers(max(1, terms // 2), terms + 1, n)
    seq = rng.normal(0.0, 1.0, size=(n, terms, features)).astype(np.float32)
    # feature 0: a grade average that drifts; the label follows its last two terms
    drift = rng.normal(0, 3, size=(n, 1))
    seq[:, :, 0] = 78 + drift + rng.normal(0, 5, size=(n, terms)).cumsum(axis=1) / 3
    pad = np.arange(terms)[None, :] >= lengths[:, None]
    seq[pad] = 0.0
    last = seq[np.arange(n), lengths - 1, 0]
    prev = seq[np.arange(n), np.maximum(lengths - 2, 0), 0]
    y = category_from_average(0.7 * last + 0.3 * prev + rng.normal(0, 2, n))
    static = pd.DataFrame(
        {
            "major": rng.choice(["TKJ", "AKL", "KEP"], n),
            "kip": rng.integers(0, 2, n).astype(float),
            "distance_km": rng.gamma(2, 3, n),
            "income_bracket": rng.integers(1, 6, n).astype(float),
        }
    )
    return SequenceData(
        seq=seq,
        lengths=lengths,
        static=static,
        feature_names=[f"f{i}" for i in range(features)],
        static_categorical=["major"],
        static_numeric=["kip", "distance_km", "income_bracket"],
        y=y,
        groups=np.arange(n),
    )


def device_description() -> str:
    """'<backend>: <devices>' as Keras' backend sees them."""
    import keras

    backend = keras.backend.backend()
    try:
        if backend == "jax":
            import jax

            devices = ", ".join(f"{d.platform}:{d.device_kind}" for d in jax.devices())
        elif backend == "tensorflow":
            import tensorflow as tf

            gpus = tf.config.list_physical_devices("GPU")
            devices = ", ".join(g.name for g in gpus) or "cpu"
        elif backend == "torch":
            import torch

            devices = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "cpu"
        else:
            devices = "?"
    except Exception as exc:  # noqa: BLE001 - a probe must not stop the benchmark
        devices = f"unknown ({exc})"
    return f"{backend}: {devices}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=1_000_000)
    parser.add_argument("--terms", type=int, default=8)
    parser.add_argument("--features", type=int, default=24)
    parser.add_argument("--models", default="rnn,cnn")
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--through-train", action="store_true")
    parser.add_argument("--out", help="also write the results as JSON here")
    args = parser.parse_args()

    from predictions.ml.models import make_model
    from predictions.ml.train import train_and_select

    start = time.perf_counter()
    data = synthetic(args.students, args.terms, args.features)
    built = time.perf_counter() - start
    device = device_description()
    print(f"backend/device: {device}")
    print(
        f"data: {args.students:,} students x {args.terms} terms x {args.features} features "
        f"(built in {built:.1f} s); KERAS_BACKEND={os.environ.get('KERAS_BACKEND', '')}"
    )
    results = {"device": device, "students": args.students, "models": {}}
    for name in args.models.split(","):
        if args.through_train:
            proto = {name: make_model(name, seed=0, epochs=args.epochs)}
            t0 = time.perf_counter()
            result = train_and_select(data, models=proto, folds=2, ensemble=False, calibrate=False)
            seconds = time.perf_counter() - t0
            model = result.models[name]
            epochs, samples = model.epochs_run_, model.samples_trained_
            extra = f", CV macro-F1 {result.metrics[name]['macro_f1']['mean']:.3f}"
            note = "(samples/s counts the final refit only; the time is the whole run)"
        else:
            t0 = time.perf_counter()
            model = make_model(name, seed=0, epochs=args.epochs).fit(data)
            seconds = time.perf_counter() - t0
            epochs, samples = model.epochs_run_, model.samples_trained_
            extra, note = "", ""
        rate = samples / seconds if seconds else 0.0
        print(
            f"{name}: network {model.network_ if hasattr(model, 'network_') else '?'}, "
            f"fit {seconds:.1f} s, {epochs} epochs, {samples:,} samples trained, "
            f"{rate:,.0f} samples/s{extra} {note}".rstrip()
        )
        results["models"][name] = {
            "seconds": round(seconds, 2),
            "epochs": int(epochs),
            "samples_trained": int(samples),
            "samples_per_second": round(rate),
        }
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
