"""Data sets with a chosen share of `kurang`, resampled from the shared public data (UCI
Student Performance, both subjects, the G1 spec): read by path, nothing personal committed.

Usable as a script to print the figures of docs/model-card.md ("Honest at any base rate"):
    .venv/bin/python -m tests.predictions.ml.base_rates
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from predictions.ml.crossval import evaluate_models
from predictions.ml.data import SequenceData
from predictions.ml.evaluate import load_spec
from predictions.ml.metrics import select_champion

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "datasets"
UCI = Path("/work/shared/datasets/uci-student-performance")
RATES = (0.10, 0.30, 0.55)
MODELS = ("lr", "rf", "gbdt", "ensemble")


def uci_dir() -> Path | None:
    for candidate in (SHARED / "uci-student-performance", UCI):
        if (candidate / "student-mat.g1.json").exists():
            return candidate
    return None


def both_subjects(directory: Path) -> SequenceData:
    """Mathematics and Portuguese (1,044 rows, 230 kurang) through the student-mat G1 spec."""
    spec = json.loads((directory / "student-mat.g1.json").read_text(encoding="utf-8"))
    frame = pd.concat(
        [pd.read_csv(directory / f"student-{s}.csv", sep=";") for s in ("mat", "por")],
        ignore_index=True,
    )
    with tempfile.TemporaryDirectory() as tmp:
        frame.to_csv(Path(tmp) / "both.csv", sep=";", index=False)
        spec["csv"] = {"path": "both.csv", "sep": ";"}
        (Path(tmp) / "both.json").write_text(json.dumps(spec), encoding="utf-8")
        return load_spec(Path(tmp) / "both.json")[1]


def at_base_rate(data: SequenceData, rate: float, *, seed: int = 0) -> SequenceData:
    """A subsample (without replacement: no student twice across folds) in which `kurang` is
    `rate` of the rows: all of the scarcer side, as many of the other as the rate asks."""
    rng = np.random.default_rng(seed)
    y = np.asarray(data.y)
    kurang, other = np.flatnonzero(y == "kurang"), np.flatnonzero(y != "kurang")
    n_k, n_o = len(kurang), int(round(len(kurang) * (1 - rate) / rate))
    if n_o > len(other):
        n_o = len(other)
        n_k = int(round(n_o * rate / (1 - rate)))
    idx = np.concatenate(
        [rng.choice(kurang, n_k, replace=False), rng.choice(other, n_o, replace=False)]
    )
    rng.shuffle(idx)
    return data.subset(idx)


def kurang_ece(data: SequenceData, *, models=MODELS, seed: int = 42) -> dict:
    """{"n", "rate", "champion", model: {"before", "after"}}: the pooled ECE of P(kurang) over
    all test folds, before and after the cross-fitted calibration (`evaluate_models`)."""
    results = evaluate_models(data, models=list(models), folds=5, seed=seed)
    out = {
        "n": len(data),
        "rate": round(float(np.mean(np.asarray(data.y) == "kurang")), 3),
        "champion": select_champion(results),
    }
    for name, entry in results.items():
        out[name] = {
            "before": entry["ece_pooled"]["kurang"],
            "after": entry["calibrated"]["ece_pooled"]["kurang"],
        }
    return out


def main() -> None:
    directory = uci_dir()
    if directory is None:
        raise SystemExit("UCI Student Performance not found under ../shared/datasets")
    data = both_subjects(directory)
    for rate in RATES:
        print(json.dumps(kurang_ece(at_base_rate(data, rate))), flush=True)


if __name__ == "__main__":
    main()
