"""StudentPrivacy now belongs to the students app (see students 0003); the table stays."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('smk_dashboard', '0002_studentprivacy_appendonly_audit'),
        ('students', '0003_studentprivacy_moved'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='StudentPrivacy')],
            database_operations=[],
        ),
    ]
