"""`evaluate_dataset`: every model cross-validated on a CSV described by a dataset spec
(CONTRACTS §6), no Django, no database. The cross-validation itself is `crossval`, the
metrics `metrics`; their public names stay importable from here for scripts.

Run a spec from the shell:

    python -m predictions.ml.evaluate SPEC.json [--out REPORT.json] [--models rnn,cnn,rf,lr,gbdt]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from predictions.ml.crossval import (
    BIG_FOLDS,
    BIG_SAMPLES,
    PRUNE_AFTER_FOLDS,
    PRUNE_MARGIN,
    Progress,
    evaluate_models,
    fold_indices,
    temporal_check,
)
from predictions.ml.data import SequenceData
from predictions.ml.labels import LABELS, bin_target, map_target
from predictions.ml.metrics import SCALAR_METRICS, fold_metrics, select_champion, summarise
from predictions.ml.models import ENSEMBLE, MODEL_NAMES

__all__ = [
    "BIG_FOLDS",
    "BIG_SAMPLES",
    "PRUNE_AFTER_FOLDS",
    "PRUNE_MARGIN",
    "SCALAR_METRICS",
    "SpecError",
    "evaluate_dataset",
    "evaluate_models",
    "fold_indices",
    "fold_metrics",
    "load_spec",
    "main",
    "select_champion",
    "sequence_data_from_frame",
    "summarise",
    "temporal_check",
]


class SpecError(ValueError):
    """A dataset spec (or its CSV) that cannot be evaluated; the message is for people."""


def load_spec(spec_path: str | Path) -> tuple[dict[str, Any], SequenceData]:
    """Read a §6 dataset spec and its CSV -> (spec, SequenceData with y and groups).

    Rows whose target is missing or outside every bin/map are dropped. Raises SpecError
    with an Indonesian-first message on any problem.
    """
    path = Path(spec_path)
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SpecError(f"Berkas spec tidak ditemukan: {path} (spec file not found).")
    except json.JSONDecodeError as exc:
        raise SpecError(f"Spec bukan JSON yang sah: {exc} (invalid JSON).")
    for key in ("csv", "target"):
        if key not in spec:
            raise SpecError(f"Spec tidak punya kunci '{key}' (missing key).")
    csv = spec["csv"] if isinstance(spec["csv"], dict) else {"path": spec["csv"]}
    csv_path = (path.parent / csv["path"]).resolve()
    try:
        frame = pd.read_csv(
            csv_path, sep=csv.get("sep", ","), encoding=csv.get("encoding", "utf-8")
        )
    except FileNotFoundError:
        raise SpecError(f"Berkas CSV tidak ditemukan: {csv_path} (CSV file not found).")
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise SpecError(f"CSV tidak dapat dibaca: {exc} (cannot read CSV).")

    target = spec["target"]
    column = target.get("column")
    if column not in frame.columns:
        raise SpecError(f"Kolom '{column}' tidak ada di CSV (column not found).")
    if ("bins" in target) == ("map" in target):
        raise SpecError("Target harus punya tepat satu dari 'bins' atau 'map'.")
    used = target.get("bins") or target.get("map")
    unknown = sorted(set(used if "bins" in target else used.values()) - set(LABELS))
    if unknown:
        raise SpecError(f"Kelas target {unknown} tidak dikenal; gunakan {list(LABELS)}.")
    try:
        if "bins" in target:
            y = bin_target(frame[column], target["bins"])
        else:
            y = map_target(frame[column], target["map"])
    except ValueError as exc:
        raise SpecError(str(exc))

    id_column = spec.get("id_column")
    if id_column is not None and id_column not in frame.columns:
        raise SpecError(f"Kolom '{id_column}' tidak ada di CSV (column not found).")
    keep = y.notna().to_numpy()
    if not keep.any():
        raise SpecError("Tidak ada baris dengan target yang sah (no usable target rows).")
    frame = frame.loc[keep].reset_index(drop=True)
    static = spec.get("static") or {}
    try:
        data = sequence_data_from_frame(
            frame,
            sequence=spec.get("sequence") or [],
            categorical=static.get("categorical") or [],
            numeric=static.get("numeric") or [],
            y=y.to_numpy()[keep],
            groups=None if id_column is None else frame[id_column].to_numpy(),
        )
    except ValueError as exc:
        raise SpecError(str(exc))
    return spec, data


def sequence_data_from_frame(
    frame: pd.DataFrame,
    *,
    sequence: Sequence[Mapping[str, str]],
    categorical: Sequence[str] = (),
    numeric: Sequence[str] = (),
    y: np.ndarray | None = None,
    groups: np.ndarray | None = None,
) -> SequenceData:
    """Wide table -> SequenceData (the `evaluate_dataset` path).

    ``sequence`` lists time steps oldest first; each maps the same feature names to columns
    (it may be empty: then seq has shape (n, 0, 0)). Non-numeric sequence/numeric values
    become NaN; every sample has the full length.
    """
    names = list(sequence[0].keys()) if sequence else []
    for i, step in enumerate(sequence):
        if list(step.keys()) != names:
            raise ValueError(
                f"Langkah sequence ke-{i + 1} harus punya nama fitur yang sama {names} "
                f"(every step must map the same feature names)."
            )
    used = [col for step in sequence for col in step.values()] + list(categorical) + list(numeric)
    missing = [c for c in dict.fromkeys(used) if c not in frame.columns]
    if missing:
        raise ValueError(f"Kolom '{missing[0]}' tidak ada di CSV (column not found).")
    n = len(frame)
    seq = np.zeros((n, len(sequence), len(names)), dtype=np.float32)
    for t, step in enumerate(sequence):
        for f, name in enumerate(names):
            seq[:, t, f] = pd.to_numeric(frame[step[name]], errors="coerce").to_numpy(float)
    static = pd.DataFrame(index=range(n))
    for col in categorical:
        raw = frame[col].reset_index(drop=True)
        static[col] = (
            raw.astype(object)
            .where(raw.notna(), np.nan)
            .map(lambda v: v if isinstance(v, float) else str(v))
        )
    for col in numeric:
        static[col] = pd.to_numeric(frame[col], errors="coerce").astype(float).to_numpy()
    return SequenceData(
        seq=seq,
        lengths=np.full(n, len(sequence)),
        static=static,
        feature_names=names,
        static_categorical=list(categorical),
        static_numeric=list(numeric),
        y=None if y is None else np.asarray(y, dtype=object),
        groups=None if groups is None else np.asarray(groups),
    )


def evaluate_dataset(
    spec_path: str | Path,
    *,
    models: Sequence[str] | None = None,
    progress: Progress | None = None,
    oof: dict[str, np.ndarray] | None = None,
) -> dict[str, Any]:
    """Evaluate models on a spec'd CSV; returns the CONTRACTS §6 report:
    {"name", "n", "class_counts", "models": {name: metrics}, "labels", "best"}.
    By default the five models and the ``ensemble`` (soft vote of the five). Each entry has
    ``brier`` and ``ece`` (before calibration) and ``calibrated`` (after, cross-fitted).
    ``oof``, when given a dict, receives the out-of-fold probabilities (`evaluate_models`).
    """
    spec, data = load_spec(spec_path)
    names = list(models) if models else [*MODEL_NAMES, ENSEMBLE]
    bad = [m for m in names if m not in (*MODEL_NAMES, ENSEMBLE)]
    if bad:
        raise SpecError(f"Model {bad} tidak dikenal; pilih dari {list(MODEL_NAMES)}.")
    cv = spec.get("cv") or {}
    folds, repeats, seed = (
        int(cv.get("folds", 5)),
        int(cv.get("repeats", 1)),
        int(cv.get("seed", 42)),
    )
    counts = pd.Series(data.y).value_counts()
    smallest = min(int(counts[label]) for label in LABELS if label in counts)
    if smallest < folds:
        raise SpecError(
            f"Kelas terkecil hanya punya {smallest} baris; kurang dari jumlah fold ({folds})."
        )
    metrics = evaluate_models(
        data,
        models=names,
        folds=folds,
        repeats=repeats,
        seed=seed,
        groups=data.groups,
        progress=progress,
        oof=oof,
    )
    return _json_safe(
        {
            "name": spec.get("name", Path(spec_path).stem),
            "n": len(data),
            "class_counts": {label: int(counts.get(label, 0)) for label in LABELS},
            "models": metrics,
            "labels": list(LABELS),
            "best": select_champion(metrics),
        }
    )


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: print the report JSON; exit 1 with the message on a bad spec."""
    parser = argparse.ArgumentParser(description="Evaluasi model pada CSV sesuai spec (§6).")
    parser.add_argument("spec")
    parser.add_argument("--out")
    parser.add_argument("--models", help="comma-separated, e.g. rnn,cnn,rf,lr,gbdt")
    args = parser.parse_args(argv)
    names = [m.strip() for m in args.models.split(",") if m.strip()] if args.models else None
    try:
        report = evaluate_dataset(args.spec, models=names)
    except SpecError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    text = json.dumps(report, indent=2, ensure_ascii=False)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
