from django.contrib import admin

from students.admin import SchoolScopedAdmin

from .models import ModelVersion, Prediction, TrainingRun


@admin.register(TrainingRun)
class TrainingRunAdmin(SchoolScopedAdmin):
    list_display = ("id", "school", "status", "progress", "device", "created_at")
    list_filter = ("status",)
    readonly_fields = [f.name for f in TrainingRun._meta.fields]


@admin.register(ModelVersion)
class ModelVersionAdmin(SchoolScopedAdmin):
    list_display = ("algorithm", "version", "school", "is_active", "created_at")
    list_filter = ("algorithm", "is_active")
    readonly_fields = [f.name for f in ModelVersion._meta.fields]


@admin.register(Prediction)
class PredictionAdmin(SchoolScopedAdmin):
    superuser_only = True  # the operator's pages show no predictions
    school_path = "student__school"
    list_display = ("student", "term", "category", "p_kurang", "model_version")
    list_filter = ("category",)
    raw_id_fields = ("student",)
    readonly_fields = [f.name for f in Prediction._meta.fields]
