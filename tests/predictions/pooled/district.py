"""A seeded district of four demo schools (issue 26, item 3): schools 1-3 hold three terms of
history; school 4 is new, with only its latest term (its earlier terms are kept aside, so a
test can give them back as "history gained later"); school 3 opts out of the shared model."""

from dataclasses import dataclass

from smk_dashboard.pages.demo.seed import DemoConfig, demo_npsn, seed_demo
from students.models import AttendanceSummary, GradeRecord, NonAcademicRating, School


@dataclass
class District:
    new: School
    sources: list[School]
    opted_out: School
    history: dict  # model -> rows of school 4's earlier terms, kept aside

    def give_history_back(self) -> None:
        for model, rows in self.history.items():
            model.objects.bulk_create(rows)


def seed_district() -> District:
    seed_demo(DemoConfig(schools=4, students=60, terms=3, seed=3, password="rahasia-uji-123"))
    schools = [School.objects.get(npsn=demo_npsn(i)) for i in range(1, 5)]
    new = schools[3]
    latest = GradeRecord.objects.filter(student__school=new).order_by("-term__code")[0].term_id
    history = {}
    for model in (GradeRecord, AttendanceSummary, NonAcademicRating):
        older = model.objects.filter(student__school=new).exclude(term_id=latest)
        history[model] = list(older)
        for row in history[model]:
            row.pk = None
        older.delete()
    School.objects.filter(pk=schools[2].pk).update(pooled_opt_out=True)
    schools[2].refresh_from_db()
    return District(new=new, sources=schools[:2], opted_out=schools[2], history=history)
