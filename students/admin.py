"""Django admin for school data, scoped by the same rules as the pages: a school operator
(`is_staff`) manages only their own school's rows; superusers see everything.

What an operator uses it for, and the pages do not cover: accounts (name, role guru or
walikelas, active), classes and homeroom teachers, teaching assignments, majors, subjects, the
school's settings, and correcting a student's row. What it may not do (issue 25, finding 1):
grant or change superuser, staff, groups or permissions, move anyone to another school, set
another user's password, change an account of a role that reads more than a teacher (bk,
kepsek, operator, sudin) or its own role, or open predictions and counselling (the operator's
pages show neither). Every addition, change and deletion is audited (`admin.add`,
`admin.change`, `admin.delete`) with the names of the fields changed, never their values."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from smk_dashboard.core.audit import audit_log, audit_permission_change, permission_snapshot
from smk_dashboard.core.roles import Role, roles

from . import models
from .selectors import student_queryset_for_user

# Accounts only a superuser creates or changes: roles that read more than a teacher does.
ELEVATED_ROLES = roles(Role.BK, Role.KEPSEK, Role.OPERATOR, Role.SUDIN)
# Roles an operator may give: the teachers'.
OPERATOR_GRANTABLE_ROLES = roles(Role.GURU, Role.WALIKELAS)
SUPERUSER_ONLY_USER_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions", "school")
# Form fields that mean "the password" (the admin's password forms).
PASSWORD_FORM_FIELDS = {"password", "password1", "password2", "usable_password"}


class AuditedAdmin(admin.ModelAdmin):
    """Every addition, change and deletion through the admin is an audit entry naming the
    model and the changed fields (names only: a counselling or socio-economic value never
    reaches the audit trail)."""

    def construct_change_message(self, request, form, formsets, add=False):
        names = set(form.changed_data) if form is not None else set()
        for formset in formsets or []:
            for inline in formset.forms:
                names.update(f"{formset.prefix}.{n}" for n in inline.changed_data)
        if names & PASSWORD_FORM_FIELDS:
            names = (names - PASSWORD_FORM_FIELDS) | {"password"}
        request._admin_changed_fields = sorted(names)
        return super().construct_change_message(request, form, formsets, add)

    def _audit(self, request, obj, action: str) -> None:
        audit_log(
            action=f"admin.{action}",
            request=request,
            target=obj,
            detail={
                "model": obj._meta.label_lower,
                "fields": getattr(request, "_admin_changed_fields", []),
            },
        )

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self._audit(request, obj, "add")
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        self._audit(request, obj, "change")
        return entry

    def log_deletions(self, request, queryset):
        request._admin_changed_fields = []
        for obj in queryset:
            self._audit(request, obj, "delete")
        return super().log_deletions(request, queryset)


class SchoolScopedAdmin(AuditedAdmin):
    """Rows are limited to the user's school through `school_path` (a lookup to School).
    `superuser_only`: a model whose field group the operator's pages do not show
    (predictions, counselling): not in the operator's admin at all."""

    superuser_only = False

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
        if self.superuser_only:
            return request.user.is_superuser
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

    def get_queryset(self, request) -> QuerySet:
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(is_superuser=False)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        hidden = set(SUPERUSER_ONLY_USER_FIELDS) | {"district"}
        if obj is not None and obj.pk != request.user.pk:
            hidden.add("password")  # its "reset" button leads to another user's password
        return [
            (name, {**opts, "fields": [f for f in opts["fields"] if f not in hidden]})
            for name, opts in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["last_login", "date_joined"]
        if not request.user.is_superuser and obj is not None and obj.pk == request.user.pk:
            readonly += ["role", "is_active"]  # an operator does not promote or lock itself
        return readonly

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        role = form.base_fields.get("role")
        if role is not None and not request.user.is_superuser:
            role.choices = [
                (value, label)
                for value, label in role.choices
                if value in OPERATOR_GRANTABLE_ROLES or (obj is not None and value == obj.role)
            ]
        return form

    def has_change_permission(self, request, obj=None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        if request.user.is_superuser or obj is None or obj.pk == request.user.pk:
            return True
        return obj.role not in ELEVATED_ROLES and not obj.is_staff

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def user_change_password(self, request, id, form_url=""):
        if not request.user.is_superuser and str(id) != str(request.user.pk):
            raise PermissionDenied  # another user's password: the superuser's job
        return super().user_change_password(request, id, form_url)

    def save_model(self, request, obj, form, change) -> None:
        # Every permission change is audited (who changed which role, school or flag).
        before = permission_snapshot(models.User.objects.get(pk=obj.pk)) if change else {}
        if not request.user.is_superuser:
            # Whatever was posted: an operator's accounts stay in the operator's school, with
            # no staff or superuser flag (the form has no such fields; this is the backstop).
            obj.school_id = request.user.school_id
            if change:
                obj.is_staff, obj.is_superuser = before["is_staff"], before["is_superuser"]
            else:
                obj.is_staff = obj.is_superuser = False
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
class AcademicTermAdmin(AuditedAdmin):
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
