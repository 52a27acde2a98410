from django.contrib import admin

from students.admin import SchoolScopedAdmin

from .models import Intervention, InterventionSession, Programme


@admin.register(Programme)
class ProgrammeAdmin(SchoolScopedAdmin):
    list_display = ("name", "tier", "school", "active")


@admin.register(Intervention)
class InterventionAdmin(SchoolScopedAdmin):
    school_path = "student__school"
    list_display = ("student", "programme", "owner", "status", "outcome", "start_date")
    list_filter = ("status", "outcome")
    raw_id_fields = ("student",)


@admin.register(InterventionSession)
class InterventionSessionAdmin(SchoolScopedAdmin):
    """Counselling notes are confidential: the admin never shows them."""

    school_path = "intervention__student__school"
    list_display = ("intervention", "date", "attended", "next_follow_up")
    exclude = ("notes",)
