"""Points from a spreadsheet (import kind `points`) through the students app's import flow:
interventions registers these two steps in students.importing.plan.ROW_WRITERS, so the
students layer never imports this one. Rows are matched to the school's catalogue by name;
the file's points are used when given (with the catalogue's sign), else the catalogue's."""

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from students.importers.values import normalize_key
from students.models import ImportBatch, School, Student

from .models import Behaviour, BehaviourKind, PointEntry
from .services import point_todos_create


def points_rows_resolve(rows: list, school: School) -> None:
    """Each matched row: a known, active behaviour; points with the right sign; no future
    date. Problems become row errors (the import flow then rejects or skips the row)."""
    catalogue = {
        normalize_key(b.name): b for b in Behaviour.objects.filter(school=school, active=True)
    }
    today = timezone.localdate()
    for parsed in rows:
        data = parsed.data
        behaviour = catalogue.get(normalize_key(data.get("behaviour", "")))
        if behaviour is None:
            parsed.add_error(
                _("Perilaku %(b)s tidak ada di katalog poin sekolah.") % {"b": data["behaviour"]}
            )
            continue
        points = data.get("points")
        if points is None:
            points = behaviour.points
        elif (behaviour.kind == BehaviourKind.VIOLATION) != (points > 0):
            parsed.add_error(
                _("Poin %(p)s tidak cocok: %(b)s adalah %(k)s.")
                % {"p": points, "b": behaviour.name, "k": behaviour.get_kind_display().lower()}
            )
            continue
        if data.get("date") and data["date"] > today:
            parsed.add_error(_("Tanggal tidak boleh di masa depan."))
            continue
        data["_behaviour"], data["_points"] = behaviour.pk, points


def points_rows_write(rows: list, school: School, counter, batch: ImportBatch | None) -> None:
    """Create an entry per row; a row identical to an entry already stored (student, date,
    behaviour, points, description) counts as unchanged. Crossed thresholds get their to-do.
    Each entry is marked imported, recorded by the user who imported the file (``batch``)."""
    keys = {(r.data["_student"], r.data["date"], r.data["_behaviour"]) for r in rows}
    existing = set(
        PointEntry.objects.filter(
            student_id__in={k[0] for k in keys}, voided_at__isnull=True
        ).values_list("student_id", "date", "behaviour_id", "points", "description")
    )
    new = []
    for parsed in rows:
        d = parsed.data
        key = (d["_student"], d["date"], d["_behaviour"], d["_points"], d["description"])
        if key in existing:
            counter.unchanged += 1
            continue
        existing.add(key)
        new.append(
            PointEntry(
                student_id=d["_student"],
                behaviour_id=d["_behaviour"],
                date=d["date"],
                points=d["_points"],
                description=d["description"],
                recorded_by=batch.created_by if batch is not None else None,
                imported=True,
                import_batch=batch,
            )
        )
        counter.created += 1
    PointEntry.objects.bulk_create(new, batch_size=500)
    counter.records = {"created": len(new), "updated": 0, "unchanged": counter.unchanged}
    touched = {e.student_id for e in new}
    totals = dict(
        PointEntry.objects.filter(student_id__in=touched, voided_at__isnull=True)
        .values("student_id")
        .annotate(total=Sum("points"))
        .values_list("student_id", "total")
    )
    for student in Student.objects.filter(pk__in=touched):
        point_todos_create(student=student, total=totals.get(student.pk) or 0, entry=None)
