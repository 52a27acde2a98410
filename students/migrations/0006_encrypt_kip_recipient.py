"""KIP status says a family receives aid: store it encrypted. A boolean column cannot hold a
token, so the value moves to a new text column (each row's value copied and encrypted), the
old column goes and the new one takes its name."""

from django.db import migrations

import smk_dashboard.core.crypto


def copy_forward(apps, schema_editor):  # noqa: ARG001
    Student = apps.get_model("students", "Student")
    rows = list(Student._base_manager.only("pk", "kip_recipient"))
    for s in rows:
        s.kip_recipient_enc = bool(s.kip_recipient)
    Student._base_manager.bulk_update(rows, ["kip_recipient_enc"], batch_size=500)


def copy_backward(apps, schema_editor):  # noqa: ARG001
    Student = apps.get_model("students", "Student")
    rows = list(Student._base_manager.only("pk", "kip_recipient_enc"))
    for s in rows:
        s.kip_recipient = bool(s.kip_recipient_enc)
    Student._base_manager.bulk_update(rows, ["kip_recipient"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("students", "0005_importbatch_analysing"),
    ]

    operations = [
        migrations.AddField(
            model_name="student",
            name="kip_recipient_enc",
            field=smk_dashboard.core.crypto.EncryptedBooleanField(
                blank=True, default=False, verbose_name="penerima KIP/PIP"
            ),
        ),
        migrations.RunPython(copy_forward, copy_backward),
        migrations.RemoveField(model_name="student", name="kip_recipient"),
        migrations.RenameField(
            model_name="student", old_name="kip_recipient_enc", new_name="kip_recipient"
        ),
    ]
