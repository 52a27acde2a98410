import json
import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from predictions import services, training
from predictions.models import ModelVersion, RunStatus
from students.models import School


class Command(BaseCommand):
    help = "Latih model (rnn, cnn, rf, lr, gbdt) untuk satu sekolah lewat antrean `ml`."

    def add_arguments(self, parser):
        parser.add_argument("--school", required=True, help="NPSN sekolah")
        parser.add_argument("--models", default=",".join(services.ALGORITHMS))
        parser.add_argument("--folds", type=int, default=5)
        parser.add_argument("--seed", type=int, default=42)
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--wait", action="store_true", help="tunggu worker selesai")
        mode.add_argument("--sync", action="store_true", help="jalankan di proses ini")
        parser.add_argument("--timeout", type=int, default=3600)

    def handle(self, *args, school, models, folds, seed, wait, sync, timeout, **options):
        try:
            school_obj = School.objects.get(npsn=school)
        except School.DoesNotExist:
            raise CommandError(f"Sekolah dengan NPSN {school} tidak ada.")
        names = [m.strip() for m in models.split(",") if m.strip()]
        try:
            if sync:
                run = services.training_run_create(
                    school=school_obj, user=None, models=names, folds=folds, seed=seed
                )
                run = training.training_run_execute(run_id=run.pk)
            else:
                run = services.training_run_start(
                    school=school_obj, user=None, models=names, folds=folds, seed=seed
                )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages))
        if not (sync or wait):
            self.stdout.write(json.dumps({"training_run": run.pk, "status": run.status}))
            return
        deadline = time.monotonic() + timeout
        while run.status in (RunStatus.PENDING, RunStatus.RUNNING):
            if time.monotonic() > deadline:
                raise CommandError(f"Pelatihan #{run.pk} belum selesai setelah {timeout} detik.")
            time.sleep(1)
            run.refresh_from_db()
        active = ModelVersion.objects.filter(school=school_obj, is_active=True).first()
        self.stdout.write(
            json.dumps(
                {
                    "training_run": run.pk,
                    "status": run.status,
                    "error": run.error,
                    "active_model": active.algorithm if active else None,
                    "metrics": run.metrics,
                },
                indent=2,
            )
        )
        if run.status != RunStatus.SUCCEEDED:
            raise CommandError(run.error or "Pelatihan gagal.")
