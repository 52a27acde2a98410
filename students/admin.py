"""Django admin for school data, scoped by the same rules as the pages: a school operator
manages only their own school's rows; superusers see everything."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet

from smk_dashboard.core.audit import audit_permission_change, permission_snapshot

from . import models
from .selectors import student_queryset_for_user


class SchoolScopedAdmin(admin.ModelAdmin):
    """Rows are limited to the user's school through `school_path` (a lookup to School)."""

    school_path = "school"

    def _is_operator(self, request) -> bool:
        user = request.user
        return user.is_active and user.is_staff and user.role == models.Role.OPERATOR

    def get_queryset(self, request) -> QuerySet:
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        if not self._is_operator(request):
            return qs.none()
        return qs.filter(**{self.school_path: request.user.school_id})

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser or self._is_operator(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    has_change_permission = has_view_permission
    has_add_permission = has_module_permission
    has_delete_permission = has_view_permission


@admin.register(models.School)
class SchoolAdmin(SchoolScopedAdmin):
    school_path = "id"
    list_display = (
        "npsn",
        "name",
        "city",
        "district",
        "kkm",
        "baik_threshold",
        "students_per_counsellor",
    )
    search_fields = ("npsn", "name")

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser


@admin.register(models.User)
class UserAdmin(SchoolScopedAdmin, BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "school", "is_active")
    list_filter = ("role", "is_active")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Peran", {"fields": ("role", "school", "district")}),
    )

    def save_model(self, request, obj, form, change) -> None:
        # Every permission change is audited (who changed which role, school or flag).
        before = permission_snapshot(models.User.objects.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)
        request._permission_audit = (obj, before)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        obj, before = getattr(request, "_permission_audit", (form.instance, {}))
        extra = {
            name: "changed" for name in ("groups", "user_permissions") if name in form.changed_data
        }
        audit_permission_change(
            actor=request.user, user=obj, before=before, request=request, extra=extra
        )


@admin.register(models.Major)
class MajorAdmin(SchoolScopedAdmin):
    list_display = ("code", "name", "field", "school")
    list_filter = ("field",)


@admin.register(models.AcademicTerm)
class AcademicTermAdmin(admin.ModelAdmin):
    list_display = ("code", "label", "start_date", "end_date")


@admin.register(models.SchoolClass)
class SchoolClassAdmin(SchoolScopedAdmin):
    list_display = ("name", "grade_level", "major", "academic_year", "homeroom_teacher")
    list_filter = ("grade_level", "academic_year")


@admin.register(models.Student)
class StudentAdmin(SchoolScopedAdmin):
    list_display = ("nisn", "nis", "name", "gender", "school_class", "status")
    list_filter = ("status", "gender")
    search_fields = ("nisn", "nis", "name")
    list_select_related = ("school_class",)

    def get_queryset(self, request) -> QuerySet:
        if request.user.is_superuser:
            return super().get_queryset(request)
        return (
            student_queryset_for_user(user=request.user)
            if self._is_operator(request)
            else models.Student.objects.none()
        )


@admin.register(models.Subject)
class SubjectAdmin(SchoolScopedAdmin):
    list_display = ("code", "name", "group", "major", "kkm")
    list_filter = ("group",)


@admin.register(models.TeachingAssignment)
class TeachingAssignmentAdmin(SchoolScopedAdmin):
    school_path = "school_class__school"
    list_display = ("teacher", "school_class", "subject", "term")


@admin.register(models.GradeRecord)
class GradeRecordAdmin(SchoolScopedAdmin):
    school_path = "student__school"
    list_display = ("student", "subject", "term", "component", "score")
    list_select_related = ("student", "subject", "term")
    raw_id_fields = ("student",)


@admin.register(models.AttendanceRecord)
class AttendanceRecordAdmin(SchoolScopedAdmin):
    school_path = "student__school"
    list_display = ("student", "date", "status")
    list_select_related = ("student",)
    raw_id_fields = ("student",)


@admin.register(models.AttendanceSummary)
class AttendanceSummaryAdmin(SchoolScopedAdmin):
    school_path = "student__school"
    list_display = ("student", "term", "sakit", "izin", "alpa", "school_days")
    raw_id_fields = ("student",)


@admin.register(models.NonAcademicRating)
class NonAcademicRatingAdmin(SchoolScopedAdmin):
    school_path = "student__school"
    list_display = ("student", "term", "motivation", "social_skills", "rated_by")
    raw_id_fields = ("student",)


@admin.register(models.ImportBatch)
class ImportBatchAdmin(SchoolScopedAdmin):
    """Read-only: an import is an audit record; it is created by the import service only."""

    list_display = ("created_at", "school", "kind", "file_name", "status", "created", "updated")
    list_filter = ("kind", "status")
    search_fields = ("file_name", "sha256")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
