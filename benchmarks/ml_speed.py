"""Speed benchmark of the ML package on synthetic school data (the features.py input format).

    OMP_NUM_THREADS=2 python benchmarks/ml_speed.py [--students 500] [--terms 4]
        [--score-students 50000] [--repeats 3] [--big 0] [--out benchmarks/out]

(a) 5-fold grouped CV of all five models on --students x --terms (target <= 90 s on 2 cores);
(b) scoring throughput, students/s, for each model fitted on that data, on --score-students
    students (median of --repeats; target >= 20,000/s), plus feature building and
    explanations;
(c) with --big N: the training run a school of N synthetic students gets by default
    (`train_and_select`, big-school rule: 3 folds, pruning after 2, big-data model settings;
    target <= 15 min at 50,000 on 2 cores), with CV and held-out macro-F1; --big-full also
    runs today's full run (5 folds, every model, no big settings) for comparison;
    --big-runs full runs only the full one; --skip-small runs (c) alone.
Wall-clock AND process CPU seconds are reported: on a shared machine the wall time also
measures the neighbours.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sklearn.metrics import f1_score  # noqa: E402

from predictions.ml import tabular, train  # noqa: E402
from predictions.ml.crossval import evaluate_models  # noqa: E402
from predictions.ml.explain import Explainer, score  # noqa: E402
from predictions.ml.features import build_scoring_samples, build_training_samples  # noqa: E402
from predictions.ml.models import MODEL_NAMES, make_model  # noqa: E402
from tests.predictions.ml.synthetic import make_school_frames  # noqa: E402


class Timer:
    def __enter__(self) -> Timer:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


def _progress_printer():
    """Print elapsed wall/CPU time at every 5 % of a training run (long runs on busy cores)."""
    start_wall, start_cpu, last = time.perf_counter(), time.process_time(), [-5.0]

    def report(pct: float) -> None:
        if pct - last[0] >= 5.0 or pct >= 100.0:
            last[0] = pct
            wall = time.perf_counter() - start_wall
            cpu = time.process_time() - start_cpu
            print(
                f"    progress {pct:5.1f} %: {wall / 60:.1f} min wall, {cpu / 60:.1f} min CPU",
                flush=True,
            )

    return report


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=500)
    parser.add_argument("--terms", type=int, default=4)
    parser.add_argument("--score-students", type=int, default=50_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--models", default=",".join(MODEL_NAMES))
    parser.add_argument("--big", type=int, default=0)
    parser.add_argument("--held-out", type=int, default=5_000)
    parser.add_argument("--big-full", action="store_true", help="also the full 5-fold run")
    parser.add_argument("--big-runs", help="which runs of (c), e.g. 'full' (default: default)")
    parser.add_argument("--skip-small", action="store_true", help="only (c)")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "out"))
    args = parser.parse_args()
    models = args.models.split(",")
    lines: list[str] = []

    def say(text: str) -> None:
        print(text, flush=True)
        lines.append(text)

    if not args.skip_small:
        frames = make_school_frames(args.students, args.terms, seed=0)
        with Timer() as t:
            data = build_training_samples(**frames)
        say(f"## ML speed ({args.students} students x {args.terms} terms -> {len(data)} samples)\n")
        say(f"- feature building: {t.wall:.2f} s wall")

        # (a) the whole 5-fold CV, all models on the same grouped folds
        with Timer() as t:
            metrics = evaluate_models(data, models=models, folds=5, seed=42, groups=data.groups)
        say(
            f"- (a) 5-fold grouped CV of {', '.join(models)}: **{t.wall:.1f} s wall**, "
            f"{t.cpu:.1f} s CPU (target <= 90 s)"
        )
        say("\n| model | fit s/fold (wall) | macro-F1 | recall kurang |\n|---|---|---|---|")
        for name, m in metrics.items():
            say(
                f"| {name} | {m['fit_seconds']:.2f} | {m['macro_f1']['mean']:.3f} | "
                f"{m['recall_kurang']['mean']:.3f} |"
            )

        # (b) scoring throughput
        score_frames = make_school_frames(args.score_students, args.terms, seed=1)
        build_times = []
        for _ in range(args.repeats):
            with Timer() as t:
                to_score = build_scoring_samples(**score_frames)
            build_times.append(t.wall)
        n = len(to_score)
        say(f"\n(b) scoring {n} students (median of {args.repeats} runs, wall clock)\n")
        say(
            f"- building scoring features: {statistics.median(build_times):.2f} s "
            f"({n / statistics.median(build_times):,.0f} students/s)"
        )
        explainer = Explainer().fit(data)
        say("\n| model | score students/s | score + explain students/s |\n|---|---|---|")
        for name in models:
            model = make_model(name, seed=42).fit(data)
            score(model, to_score.subset(range(100)))  # warm-up (graph tracing for Keras)
            runs = []
            for _ in range(args.repeats):
                with Timer() as t:
                    score(model, to_score)
                runs.append(t.wall)
            small = to_score.subset(range(min(n, 10_000)))
            with Timer() as t:
                explainer.explain(model, small)
            say(f"| {name} | {n / statistics.median(runs):,.0f} | {len(small) / t.wall:,.0f} |")

    # (c) optional: the training run a big school gets by default (train_and_select with the
    # big-school rule), timed, with the champion's CV macro-F1 and its macro-F1 on a fresh
    # held-out synthetic school; --big-full also runs the full 5-fold run without the rule.
    if args.big:
        big = build_training_samples(**make_school_frames(args.big, args.terms, seed=2))
        held = build_training_samples(**make_school_frames(args.held_out, args.terms, seed=3))
        say(
            f"\n## (c) training run on {args.big} students ({len(big)} samples); held-out school "
            f"of {args.held_out} students ({len(held)} samples)\n"
        )
        say("| run | folds | pruned | wall | CPU | champion | CV macro-F1 | held-out macro-F1 |")
        say("|---|---|---|---|---|---|---|---|")
        modes = ["default"] + (["full"] if args.big_full else [])
        if args.big_runs:
            modes = args.big_runs.split(",")
        for mode in modes:
            saved = (tabular.BIG_ROWS, train.BIG_SAMPLES)
            if mode == "full":  # today's full run: 5 folds, every model, no big settings
                tabular.BIG_ROWS = train.BIG_SAMPLES = 10**12
            try:
                with Timer() as t:
                    result = train.train_and_select(
                        big, models=models, folds=5, seed=42, progress=_progress_printer()
                    )
            finally:
                tabular.BIG_ROWS, train.BIG_SAMPLES = saved
            champ = result.champion
            pred = result.models[champ].predict(held)
            f1 = f1_score(held.y, pred, average="macro")
            say(
                f"| {mode} | {result.plan['folds']} | {','.join(result.plan['pruned']) or '-'} "
                f"| {t.wall / 60:.1f} min | {t.cpu / 60:.1f} min | {champ} | "
                f"{result.metrics[champ]['macro_f1']['mean']:.4f} | {f1:.4f} |"
            )
            for name, m in result.metrics.items():
                say(
                    f"  - {name}: CV macro-F1 {m['macro_f1']['mean']:.4f}, "
                    f"fit {m['fit_seconds']:.1f} s/fold, folds {m['folds']}"
                )

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "speed.md").write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
