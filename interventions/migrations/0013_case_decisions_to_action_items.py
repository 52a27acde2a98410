"""Decisions recorded before issue 24 named their person as typed text. Where the text is the
username or full name of exactly one staff member of the school, the decision gets that owner
and a to-do; otherwise it stays as text (shown as before)."""

from django.db import migrations

OWNER_ROLES = ("guru", "walikelas", "bk", "kepsek")


def _key(text):
    return " ".join((text or "").split()).casefold()


def forwards(apps, schema_editor):
    CaseDecision = apps.get_model("interventions", "CaseDecision")
    ActionItem = apps.get_model("interventions", "ActionItem")
    User = apps.get_model("students", "User")
    staff_by_school = {}
    rows = CaseDecision.objects.filter(owner__isnull=True).select_related(
        "session__intervention__student"
    )
    for decision in rows:
        intervention = decision.session.intervention
        student = intervention.student
        if student.school_id not in staff_by_school:
            staff_by_school[student.school_id] = list(
                User.objects.filter(
                    school_id=student.school_id, is_active=True, role__in=OWNER_ROLES
                )
            )
        key = _key(decision.responsible)
        found = [
            u
            for u in staff_by_school[student.school_id]
            if key and key in (_key(u.username), _key(f"{u.first_name} {u.last_name}"))
        ]
        if len(found) != 1:
            continue
        decision.owner = found[0]
        decision.save(update_fields=["owner"])
        ActionItem.objects.create(
            school_id=student.school_id,
            student_id=student.pk,
            owner=found[0],
            source="decision",
            text=decision.decision,
            due_date=decision.due_date,
            status="done" if decision.done_at else "open",
            decision=decision,
            intervention_id=intervention.pk,
            created_by_id=decision.session.created_by_id,
        )


class Migration(migrations.Migration):
    dependencies = [("interventions", "0012_action_items_case_decision_owner")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
