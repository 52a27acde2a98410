"""A student's parents and guardian in the API (issue 24): GET for bk and the student's
walikelas (audited `parents.read`), PATCH for the operator and bk of the school (numbers
normalised to +62…, nonsense refused; audited `parents.update` with field names only)."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from smk_dashboard.core.api_support import require_roles
from smk_dashboard.core.fields import PARENT_FIELDS, can_edit_parents
from smk_dashboard.core.roles import Role, roles
from students.parents import parent_values, student_parents, student_parents_update
from students.selectors import student_queryset_for_user

READ_ROLES = roles(Role.BK, Role.WALIKELAS)
EDIT_ROLES = roles(Role.BK, Role.OPERATOR)


class ParentsSerializer(serializers.Serializer):
    father_name = serializers.CharField(max_length=120, allow_blank=True, required=False)
    mother_name = serializers.CharField(max_length=120, allow_blank=True, required=False)
    guardian_name = serializers.CharField(max_length=120, allow_blank=True, required=False)
    parent_phone = serializers.CharField(
        max_length=30, allow_blank=True, required=False, help_text="disimpan sebagai +62…"
    )
    guardian_phone = serializers.CharField(max_length=30, allow_blank=True, required=False)

    class Meta:
        ref_name = "StudentParents"


def _student(request, pk: int, allowed):
    require_roles(request, allowed)
    return get_object_or_404(
        student_queryset_for_user(user=request.user).select_related("school", "school_class"),
        pk=pk,
    )


class StudentParentsApi(APIView):
    @extend_schema(responses=ParentsSerializer, operation_id="students_parents_retrieve")
    def get(self, request, pk: int):
        student = _student(request, pk, READ_ROLES)
        parents = student_parents(user=request.user, student=student, request=request)
        if parents is None:  # a walikelas of another class
            raise PermissionDenied
        return Response({f: getattr(parents, f) for f in PARENT_FIELDS})

    @extend_schema(
        request=ParentsSerializer,
        responses=ParentsSerializer,
        operation_id="students_parents_update",
    )
    def patch(self, request, pk: int):
        student = _student(request, pk, EDIT_ROLES)
        if not can_edit_parents(request.user, student):
            raise PermissionDenied
        data = ParentsSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        try:
            student_parents_update(
                user=request.user, student=student, values=data.validated_data, request=request
            )
        except DjangoValidationError as exc:  # names the field(s), in Indonesian
            raise serializers.ValidationError(
                exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
            ) from exc
        # the editor reads back what was stored (the operator keeps these data)
        return Response(parent_values(student=student))
