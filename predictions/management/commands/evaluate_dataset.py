"""``python manage.py evaluate_dataset SPEC.json [--out REPORT.json] [--models rnn,cnn,...]``.

A thin wrapper over `predictions.ml.evaluate.evaluate_dataset`: no database is touched.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Evaluasi model pada CSV sesuai spec (CONTRACTS §6); cetak laporan JSON."
    requires_system_checks: list[str] = []  # must run without a database
    requires_migrations_checks = False

    def add_arguments(self, parser) -> None:
        parser.add_argument("spec", help="dataset spec JSON")
        parser.add_argument("--out", help="also write the report to this file")
        parser.add_argument("--models", help="comma-separated, e.g. rnn,cnn,rf,lr,gbdt")

    def handle(self, *args, **options) -> None:
        # Imported here so that `manage.py help` does not load the ML stack.
        from predictions.ml.evaluate import SpecError, evaluate_dataset

        names = options["models"]
        models = [m.strip() for m in names.split(",") if m.strip()] if names else None
        try:
            report = evaluate_dataset(options["spec"], models=models)
        except SpecError as exc:
            raise CommandError(str(exc))
        text = json.dumps(report, indent=2, ensure_ascii=False)
        if options["out"]:
            Path(options["out"]).write_text(text + "\n", encoding="utf-8")
        self.stdout.write(text)
