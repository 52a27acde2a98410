from django.contrib import admin

from students.admin import SchoolScopedAdmin

from .cases.models import FollowUpSweep, Intervention, InterventionSession, Programme


@admin.register(Programme)
class ProgrammeAdmin(SchoolScopedAdmin):
    list_display = ("name", "tier", "school", "active")


@admin.register(Intervention)
class InterventionAdmin(SchoolScopedAdmin):
    """Interventions are never deleted here: deleting is soft (deleted_at), for the audit.
    Counselling: the superuser's only (the operator's pages show none)."""

    superuser_only = True

    school_path = "student__school"
    list_display = (
        "student",
        "programme",
        "owner",
        "status",
        "outcome",
        "start_date",
        "next_follow_up",
        "deleted_at",
    )
    list_filter = ("status", "outcome", ("deleted_at", admin.EmptyFieldListFilter))
    raw_id_fields = ("student", "triggered_by")
    readonly_fields = ("overdue_since", "closed_at", "deleted_at")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# What happened in a session: read on the intervention's page by those who may
# (`interventions.cases.permissions.can_read_session`), never in the admin.
SESSION_CONTENT_FIELDS = (
    "notes",
    "attendees",
    "visit_address",
    "findings",
    "referral_reason",
    "referral_outcome",
)


@admin.register(InterventionSession)
class InterventionSessionAdmin(SchoolScopedAdmin):
    """Counselling notes, home-visit findings and referral reasons are confidential: the admin
    never shows them, and "sangat rahasia" sessions (child protection) are not in it at all."""

    superuser_only = True
    school_path = "intervention__student__school"
    list_display = ("intervention", "date", "attended", "next_follow_up")
    exclude = SESSION_CONTENT_FIELDS
    raw_id_fields = ("intervention",)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(very_confidential=False)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(FollowUpSweep)
class FollowUpSweepAdmin(admin.ModelAdmin):
    """Runs of the daily overdue check (all schools): for the superuser, read-only."""

    list_display = ("day", "status", "marked", "cleared", "emails_sent", "started_at")

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
