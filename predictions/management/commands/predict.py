import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from predictions import scoring
from predictions.tasks import predictions_score_task
from students.models import School


class Command(BaseCommand):
    help = "Prediksi kategori semester depan untuk semua siswa aktif dengan model aktif."

    def add_arguments(self, parser):
        parser.add_argument("--school", required=True, help="NPSN sekolah")
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--wait", action="store_true")
        mode.add_argument("--sync", action="store_true")
        parser.add_argument("--timeout", type=int, default=1800)

    def handle(self, *args, school, wait, sync, timeout, **options):
        try:
            school_obj = School.objects.get(npsn=school)
        except School.DoesNotExist:
            raise CommandError(f"Sekolah dengan NPSN {school} tidak ada.")
        try:
            if sync:
                count = scoring.predictions_score(school=school_obj)
            else:
                result = predictions_score_task.delay(school_obj.pk)
                if not wait:
                    self.stdout.write(json.dumps({"task": result.id}))
                    return
                count = result.get(timeout=timeout)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages))
        self.stdout.write(json.dumps({"school": school, "predictions": count}))
