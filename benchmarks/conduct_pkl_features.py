"""Do conduct points and PKL help the models? Same samples, same labels, same folds; only the
step features differ (issue 17).

    # from a seeded database (seed_demo), one entry per school:
    DEBUG=on python benchmarks/conduct_pkl_features.py --school 20100001 --school 20100002 \
        [--models rf,lr,gbdt] [--folds 5] [--repeats 2] [--save data.pkl] [--out report.json]
    # or from a saved file (no database; e.g. on a GPU machine for rnn,cnn):
    python benchmarks/conduct_pkl_features.py --data data.pkl --models rnn,cnn
    # sensitivity check: first (re)seed the demo into THIS database (DATABASE_URL; use a
    # scratch one) with the planted conduct and PKL effects multiplied by K:
    DEBUG=on DATABASE_URL=sqlite:////tmp/x3.sqlite python benchmarks/conduct_pkl_features.py \
        --seed-effect-scale 3 --school 20100001 --school 20100002

Variants: ``base`` (the 11 step features every school has), ``+poin`` (conduct_points),
``+pkl`` (the three PKL features), ``+poin+pkl``. Every variant is cross-validated with
`predictions.ml.crossval.evaluate_models` (the training run's CV: stratified grouped k-fold
on the student, seed 42), without calibration (the figures the model page shows first).
Reported per school, model and variant: macro-F1 and recall of kurang (mean ± sd over folds),
the paired per-fold difference to ``base`` (mean, and in how many folds it is > 0), and
macro-F1 / recall of kurang on the samples whose history holds a PKL placement (pooled
out-of-fold predictions).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle  # nosec B403: reads only files this script wrote
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from predictions.ml.crossval import evaluate_models, fold_indices  # noqa: E402
from predictions.ml.data import SequenceData  # noqa: E402
from predictions.ml.features import CONDUCT_FEATURES, PKL_FEATURES, STEP_FEATURES  # noqa: E402
from predictions.ml.labels import LABELS  # noqa: E402
from predictions.ml.metrics import fold_metrics  # noqa: E402

VARIANTS = {
    "base": (),
    "+poin": CONDUCT_FEATURES,
    "+pkl": PKL_FEATURES,
    "+poin+pkl": (*CONDUCT_FEATURES, *PKL_FEATURES),
}


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smk_dashboard.settings")
    import django

    django.setup()


def seed_scaled(scale: float) -> None:
    """The default demo (2 schools x 500 students, seed 42) with the planted conduct and PKL
    effects multiplied by ``scale``; earlier demo schools are replaced."""
    _django()
    from django.core.management import call_command

    from smk_dashboard.pages.demo import conduct, seed

    conduct.ConductStory.CONDUCT_EFFECT *= scale
    conduct.ConductStory.PKL_EFFECT *= scale
    call_command("migrate", verbosity=0)
    seed.delete_demo_schools(2)
    seed.seed_demo(seed.DemoConfig())


def from_db(npsns: list[str]) -> dict[str, SequenceData]:
    _django()
    from predictions.ml.features import build_training_samples
    from predictions.training import MAX_STEPS
    from predictions.training_data import school_frames
    from students.models import School

    out = {}
    for npsn in npsns:
        school = School.objects.get(npsn=npsn)
        frames = school_frames(school=school)
        out[npsn] = build_training_samples(
            **frames.feature_frames(),
            kkm=float(school.kkm),
            baik=float(school.baik_threshold),
            max_steps=MAX_STEPS,
        )
    return out


def variant(data: SequenceData, extra: tuple[str, ...]) -> SequenceData:
    names = [*STEP_FEATURES, *extra]
    missing = [n for n in names if n not in data.feature_names]
    if missing:
        raise SystemExit(f"the data has no {missing}: seed it with conduct points and PKL")
    idx = [data.feature_names.index(n) for n in names]
    return data.replace(seq=data.seq[:, :, idx], feature_names=names)


def pkl_rows(data: SequenceData) -> np.ndarray:
    """Samples whose real steps hold a PKL placement."""
    f = data.feature_names.index("pkl_attendance_rate")
    has = ~np.isnan(data.seq[:, :, f]) & data.mask
    return has.any(axis=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--school", action="append", default=[])
    parser.add_argument("--data", type=Path)
    parser.add_argument("--save", type=Path)
    parser.add_argument("--models", default="rf,lr,gbdt")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--seed-effect-scale", type=float)
    args = parser.parse_args()
    if args.seed_effect_scale is not None:
        seed_scaled(args.seed_effect_scale)
    if args.data:
        with args.data.open("rb") as fh:
            schools = pickle.load(fh)  # noqa: S301  # nosec B301
    else:
        schools = from_db(args.school)
    if args.save:
        with args.save.open("wb") as fh:
            pickle.dump(schools, fh)
    models = args.models.split(",")
    report: dict = {}
    for npsn, data in schools.items():
        report[npsn] = compare(data, models, folds=args.folds, repeats=args.repeats, seed=args.seed)
        for model, variants in report[npsn]["models"].items():
            for name_v, v in variants.items():
                print(
                    f"{npsn} {model:5s} {name_v:10s} macro-F1 {_ms(v['macro_f1'])} "
                    f"recall_kurang {_ms(v['recall_kurang'])} "
                    f"dF1 {v['paired_vs_base']['macro_f1']:+.4f} "
                    f"({v['paired_vs_base']['folds_better_f1']}/{v['folds']} folds better) "
                    f"| PKL rows F1 {v['pkl_samples']['macro_f1']} "
                    f"rec {v['pkl_samples']['recall_kurang']}",
                    flush=True,
                )
    if args.out:
        args.out.write_text(json.dumps(report, indent=1))


def _ms(m: dict) -> str:
    return f"{m['mean']:.3f}±{m['std']:.3f}"


def compare(data: SequenceData, models: list[str], *, folds: int, repeats: int, seed: int):
    """Every variant on the same folds: `repeats` runs of grouped stratified k-fold with seeds
    seed, seed+1, ... (each run is the training run's CV with that seed)."""
    codes = np.array([LABELS.index(label) for label in data.y])
    with_pkl = pkl_rows(data)
    entry: dict = {
        "n": len(data),
        "n_students": int(len(np.unique(data.groups))),
        "n_with_pkl": int(with_pkl.sum()),
        "class_counts": {label: int((data.y == label).sum()) for label in LABELS},
        "protocol": f"{repeats} x {folds}-fold grouped stratified CV, seeds {seed}..",
        "models": {},
    }
    fold_scores: dict[tuple[str, str], list[dict]] = {}
    pooled: dict[tuple[str, str], list[np.ndarray]] = {}
    for name_v, extra in VARIANTS.items():
        sub = variant(data, extra)
        for r in range(repeats):
            splits = fold_indices(codes, folds=folds, seed=seed + r, groups=data.groups)
            oof: dict[str, np.ndarray] = {}
            evaluate_models(
                sub, models=models, folds=folds, seed=seed + r, groups=data.groups, oof=oof,
                calibrate=False,
            )  # fmt: skip
            for model in models:
                fold_scores.setdefault((model, name_v), []).extend(
                    fold_metrics(codes[test], oof[model][test]) for _train, test in splits
                )
                pooled.setdefault((model, name_v), []).append(oof[model])
    for model in models:
        base = fold_scores[(model, "base")]
        for name_v in VARIANTS:
            scores = fold_scores[(model, name_v)]
            f1 = np.array([s["macro_f1"] for s in scores])
            rec = np.array([s["recall_kurang"] for s in scores])
            d_f1 = f1 - np.array([s["macro_f1"] for s in base])
            d_rec = rec - np.array([s["recall_kurang"] for s in base])
            proba = np.mean(pooled[(model, name_v)], axis=0)
            pk = fold_metrics(codes[with_pkl], proba[with_pkl]) if with_pkl.any() else None
            entry["models"].setdefault(model, {})[name_v] = {
                "folds": len(scores),
                "macro_f1": {"mean": round(f1.mean(), 4), "std": round(f1.std(), 4)},
                "recall_kurang": {"mean": round(rec.mean(), 4), "std": round(rec.std(), 4)},
                "paired_vs_base": {
                    "macro_f1": round(float(d_f1.mean()), 4),
                    "recall_kurang": round(float(d_rec.mean()), 4),
                    "folds_better_f1": int((d_f1 > 0).sum()),
                },
                "pkl_samples": {
                    "macro_f1": round(float(pk["macro_f1"]), 3) if pk else None,
                    "recall_kurang": round(float(pk["recall_kurang"]), 3) if pk else None,
                },
            }
    return entry


if __name__ == "__main__":
    main()
