"""A teacher's feedback note is free text about a student: encrypt existing notes, then make
the field an EncryptedTextField (same column type)."""

from django.db import migrations

import smk_dashboard.core.crypto
from smk_dashboard.core.crypto import encrypt_existing_text

forward, backward = encrypt_existing_text("predictions", "PredictionFeedback", "note")


class Migration(migrations.Migration):
    dependencies = [
        ("predictions", "0005_prediction_current_risk_index"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.AlterField(
            model_name="predictionfeedback",
            name="note",
            field=smk_dashboard.core.crypto.EncryptedTextField(
                blank=True, max_length=1000, verbose_name="catatan"
            ),
        ),
    ]
