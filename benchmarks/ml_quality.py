"""Quality benchmark: `evaluate_dataset` on the four UCI Student Performance specs.

    OMP_NUM_THREADS=2 python benchmarks/ml_quality.py [--models rnn,cnn,rf,lr,gbdt] \
        [--data ../shared/datasets/uci-student-performance] [--out benchmarks/out]

Writes one JSON report per spec and ``quality.md`` (a markdown table) into --out, and prints
the table. It also checks the quality bars of the model card (deep models within 0.02
macro-F1 of the best baseline on every spec) and says which ones hold.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from predictions.ml.evaluate import evaluate_dataset  # noqa: E402

SPECS = ("student-mat.g1g2", "student-mat.g1", "student-por.g1g2", "student-por.g1")
BASELINES = ("rf", "lr", "gbdt")


def _fmt(metric: dict) -> str:
    return f"{metric['mean']:.3f} ± {metric['std']:.3f}"


def table(reports: dict[str, dict]) -> str:
    """Markdown table: spec, model, macro-F1 mean ± sd, accuracy, recall_kurang, fit s."""
    lines = [
        "| spec | n | model | macro-F1 (mean ± sd) | accuracy | recall kurang | fit s/fold |",
        "|---|---|---|---|---|---|---|",
    ]
    for spec, rep in reports.items():
        for name, m in rep["models"].items():
            star = " **best**" if name == rep["best"] else ""
            lines.append(
                f"| {spec} | {rep['n']} | {name}{star} | {_fmt(m['macro_f1'])} | "
                f"{_fmt(m['accuracy'])} | {_fmt(m['recall_kurang'])} | {m['fit_seconds']:.2f} |"
            )
    return "\n".join(lines)


def bars(reports: dict[str, dict]) -> list[str]:
    """Human-readable verdicts on the quality bars."""
    out = []
    for spec, rep in reports.items():
        models = rep["models"]
        base = [models[b]["macro_f1"]["mean"] for b in BASELINES if b in models]
        if not base:
            continue
        best_base = max(base)
        for deep in ("rnn", "cnn"):
            if deep in models:
                gap = best_base - models[deep]["macro_f1"]["mean"]
                verdict = "OK" if gap <= 0.02 else "MISSED"
                out.append(f"{spec}: {deep} gap to best baseline {gap:+.4f} -> {verdict}")
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    default_data = ROOT.parent / "shared" / "datasets" / "uci-student-performance"
    if not default_data.exists():
        default_data = Path("/work/shared/datasets/uci-student-performance")
    parser.add_argument("--data", default=str(default_data))
    parser.add_argument("--models", default="rnn,cnn,rf,lr,gbdt")
    parser.add_argument("--specs", default=",".join(SPECS))
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "out"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    models = args.models.split(",")
    reports = {}
    for spec in args.specs.split(","):
        start = time.perf_counter()
        reports[spec] = evaluate_dataset(Path(args.data) / f"{spec}.json", models=models)
        (out / f"{spec}.report.json").write_text(json.dumps(reports[spec], indent=2) + "\n")
        print(f"{spec}: {time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)
    text = table(reports) + "\n\n" + "\n".join(f"- {line}" for line in bars(reports)) + "\n"
    (out / "quality.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
