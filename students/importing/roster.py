"""The roster writer: students created, or updated where a value differs."""

from __future__ import annotations

from django.utils import timezone

from students.models import School, Student

from .plan import Counter

ROSTER_FIELDS = (
    "name", "nis", "gender", "birth_date", "school_class_id", "major_id", "father_education",
    "mother_education", "father_occupation", "mother_occupation", "income_bracket",
    "kip_recipient", "distance_km", "father_name", "mother_name", "guardian_name",
    "parent_phone", "guardian_phone",
)  # fmt: skip


def write_roster(rows, school: School, refs, counter: Counter) -> None:
    existing = {s.id: s for s in Student.objects.filter(school=school)}
    new, changed, fields = [], [], set()
    now = timezone.now()
    for parsed in rows:
        data = parsed.data
        values = {name: data[name] for name in ROSTER_FIELDS if name in data}
        if not values.get("nis"):
            values.pop("nis", None)
        for ref, attr in (("_class", "school_class_id"), ("_major", "major_id")):
            if data[ref] is not None:
                values[attr] = refs.get(data[ref], data[ref])
        student = existing.get(data["_student"])
        if student is None:
            new.append(Student(school=school, nisn=data["nisn"], **values))
            counter.created += 1
            continue
        if data["nisn"] and data["nisn"] != student.nisn:
            values["nisn"] = data["nisn"]  # matched by NIS: the NISN is corrected
        diff = {k: v for k, v in values.items() if getattr(student, k) != v}
        if not diff:
            counter.unchanged += 1
            continue
        for k, v in diff.items():
            setattr(student, k, v)
        student.updated_at = now
        changed.append(student)
        fields.update(diff)
        counter.updated += 1
    if changed:
        Student.objects.bulk_update(changed, sorted(fields | {"updated_at"}), batch_size=500)
    Student.objects.bulk_create(new, batch_size=500)
    counter.records = {"created": len(new), "updated": len(changed), "unchanged": counter.unchanged}
