"""Intervention reason, goal and closing note are free text about a student: encrypt them.
Existing rows are encrypted first (while the columns are still plain text), then the fields
become EncryptedTextField; the column type does not change."""

from django.db import migrations

import smk_dashboard.core.crypto
from smk_dashboard.core.crypto import encrypt_existing_text

FIELDS = ("reason", "goal", "closing_note")
forward, backward = encrypt_existing_text("interventions", "Intervention", *FIELDS)


class Migration(migrations.Migration):
    dependencies = [
        ("interventions", "0003_intervention_trigger_follow_up"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.AlterField(
            model_name="intervention",
            name="reason",
            field=smk_dashboard.core.crypto.EncryptedTextField(verbose_name="alasan"),
        ),
        migrations.AlterField(
            model_name="intervention",
            name="goal",
            field=smk_dashboard.core.crypto.EncryptedTextField(blank=True, verbose_name="tujuan"),
        ),
        migrations.AlterField(
            model_name="intervention",
            name="closing_note",
            field=smk_dashboard.core.crypto.EncryptedTextField(
                blank=True, verbose_name="catatan penutup"
            ),
        ),
    ]
