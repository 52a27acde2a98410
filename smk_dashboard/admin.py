from django.contrib import admin

from smk_dashboard.core.models import AuditEvent
from students.admin import SchoolScopedAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(SchoolScopedAdmin):
    """Append-only: readable within the school, never changed or deleted."""

    list_display = ("at", "username", "action", "target_type", "target_id", "ip_address")
    list_filter = ("action",)
    search_fields = ("username", "target_id")
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
