"""`manage.py pooled_loso [--schools NPSN,...] [--model lr] [--folds 5] [--out FILE]`: how a
pooled district model would do for each school (trained on the other schools of this
deployment, tested on that school), next to the school's own model cross-validated on its own
data (issue 26, item 3; predictions/ml/pooled.py). Prints JSON; writes nothing to the
database. Training data never leaves this deployment."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from predictions.ml.pooled import leave_one_school_out
from predictions.training_data import school_samples
from students.models import School


class Command(BaseCommand):
    help = "Uji model bersama: tiap sekolah diuji dengan model yang dilatih dari sekolah lain."

    def add_arguments(self, parser):
        parser.add_argument("--schools", default="", help="NPSN dipisah koma (tanpa: semua)")
        parser.add_argument("--model", default="lr", help="lr, rf, gbdt (default lr)")
        parser.add_argument("--folds", type=int, default=5)
        parser.add_argument("--out", default="", help="simpan JSON ke file ini")

    def handle(self, *args, **options):
        schools = School.objects.order_by("npsn")
        if options["schools"]:
            schools = schools.filter(npsn__in=options["schools"].split(","))
        data = {}
        for school in schools:
            samples = school_samples(school)
            if len(samples):
                data[school.npsn] = (samples, float(school.kkm))
        if len(data) < 2:
            raise CommandError("Butuh sedikitnya dua sekolah dengan data berlabel.")
        report = {
            "model": options["model"],
            "schools": leave_one_school_out(data, model=options["model"], folds=options["folds"]),
        }
        text = json.dumps(report, indent=2, default=float)
        if options["out"]:
            Path(options["out"]).write_text(text + "\n", encoding="utf-8")
        self.stdout.write(text)
