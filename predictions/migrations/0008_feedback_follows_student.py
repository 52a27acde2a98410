"""A teacher's answer belongs to the student, the term and the flag (category) answered, not to
one prediction row (issue 23): copy them from each answer's prediction, then keep one answer
per teacher and flag.

Where a teacher answered the same flag twice (the old card asked again after a new model
became active), the newest answer stays; when it has no note, the newest earlier note is kept
on it, so that no note a teacher wrote is lost with the duplicate."""

from django.db import migrations, models
from django.db.models import deletion


def fill_and_merge(apps, schema_editor):
    Feedback = apps.get_model("predictions", "PredictionFeedback")
    rows = Feedback.objects.select_related("prediction").order_by("-updated_at", "-id")
    kept: dict[tuple, object] = {}
    duplicates = []
    for row in rows.iterator(chunk_size=500):
        p = row.prediction
        row.student_id, row.term_id, row.category = p.student_id, p.term_id, p.category
        key = (row.user_id, row.student_id, row.term_id, row.category)
        newest = kept.get(key)
        if newest is None:
            kept[key] = row
            continue
        if not (newest.note or "").strip() and (row.note or "").strip():
            newest.note = row.note
        duplicates.append(row.pk)
    for row in kept.values():
        row.save(update_fields=["student", "term", "category", "note"])
    Feedback.objects.filter(pk__in=duplicates).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("predictions", "0007_scoring_run"),
        ("students", "0010_importbatch_queued_at"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="predictionfeedback",
            name="predictionfeedback_unique_user",
        ),
        migrations.AddField(
            model_name="predictionfeedback",
            name="category",
            field=models.CharField(
                choices=[("kurang", "Perlu perhatian"), ("sedang", "Sedang"), ("baik", "Baik")],
                default="",
                max_length=6,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="predictionfeedback",
            name="student",
            field=models.ForeignKey(
                null=True,
                on_delete=deletion.CASCADE,
                related_name="+",
                to="students.student",
            ),
        ),
        migrations.AddField(
            model_name="predictionfeedback",
            name="term",
            field=models.ForeignKey(
                null=True,
                on_delete=deletion.PROTECT,
                related_name="+",
                to="students.academicterm",
            ),
        ),
        migrations.RunPython(fill_and_merge, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="predictionfeedback",
            name="student",
            field=models.ForeignKey(
                on_delete=deletion.CASCADE, related_name="+", to="students.student"
            ),
        ),
        migrations.AlterField(
            model_name="predictionfeedback",
            name="term",
            field=models.ForeignKey(
                on_delete=deletion.PROTECT, related_name="+", to="students.academicterm"
            ),
        ),
        migrations.AddIndex(
            model_name="predictionfeedback",
            index=models.Index(
                fields=["student", "term", "category"], name="predictionfeedback_flag"
            ),
        ),
        migrations.AddConstraint(
            model_name="predictionfeedback",
            constraint=models.UniqueConstraint(
                fields=("user", "student", "term", "category"),
                name="predictionfeedback_one_per_flag",
            ),
        ),
    ]
