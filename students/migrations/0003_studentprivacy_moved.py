"""StudentPrivacy moves from the smk_dashboard app to students (it is data about a
student, and predictions must read it without importing the top layer). Only Django's state
moves: the table keeps its name and rows."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('students', '0002_importbatch'),
        ('smk_dashboard', '0002_studentprivacy_appendonly_audit'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='StudentPrivacy',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('consent', models.CharField(choices=[('unknown', 'Belum dicatat'), ('given', 'Diberikan'), ('withdrawn', 'Ditarik')], default='unknown', max_length=10, verbose_name='persetujuan orang tua/wali')),
                        ('consent_recorded_at', models.DateTimeField(blank=True, null=True)),
                        ('objects_to_automated_decisions', models.BooleanField(default=False, help_text="Siswa tidak diprediksi oleh model dan tampil sebagai 'tidak diprediksi'.", verbose_name='keberatan atas keputusan otomatis')),
                        ('objection_recorded_at', models.DateTimeField(blank=True, null=True)),
                        ('note', models.CharField(blank=True, max_length=300, verbose_name='keterangan')),
                        ('anonymised_at', models.DateTimeField(blank=True, null=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('student', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='privacy', to='students.student')),
                        ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'smk_dashboard_studentprivacy',
                        'verbose_name': 'hak subjek data',
                        'verbose_name_plural': 'hak subjek data',
                        'indexes': [models.Index(fields=['objects_to_automated_decisions'], name='privacy_objection')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
