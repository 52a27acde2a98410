"""REST API for to-dos (issue 24): list, mark done, reassign, reschedule. The rules are those of
the home page: the same selectors (scope, need-to-know text) and services (permissions,
audit, notification of a new owner)."""

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from smk_dashboard.core.api_support import Pagination, paginated, service_errors
from smk_dashboard.core.audit import audit_student_list
from students.api import PAGE_PARAM, PAGE_SIZE_PARAM

from . import permissions, selectors, services
from .models import ActionSource, ActionStatus

MAX_ID = 2**31 - 1


class _PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()

    class Meta:
        ref_name = "TodoPersonRef"


class TodoOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="item.pk")
    source = serializers.ChoiceField(choices=ActionSource.choices)
    text = serializers.CharField(
        allow_null=True, help_text="null: the caller may not read what the to-do says"
    )
    student = serializers.SerializerMethodField()
    owner = serializers.SerializerMethodField()
    due_date = serializers.DateField()
    status = serializers.ChoiceField(choices=ActionStatus.choices)
    overdue = serializers.BooleanField()
    done_at = serializers.DateTimeField(source="item.done_at", allow_null=True)
    can_act = serializers.BooleanField()

    class Meta:
        ref_name = "Todo"

    @extend_schema_field(_PersonSerializer)
    def get_student(self, row) -> dict:
        return {"id": row.student.pk, "name": row.student.name}

    @extend_schema_field(_PersonSerializer)
    def get_owner(self, row) -> dict:
        return {"id": row.owner.pk, "name": row.owner.get_full_name() or row.owner.username}


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _row(request, item) -> dict:
    return TodoOutputSerializer(selectors.todo_rows(request.user, [item])[0]).data


class TodoListApi(APIView):
    """GET: the caller's to-dos (scope `mine`, the default), those they gave (`given`), their
    class's (`class`, walikelas) or all they may see (`all`); open by default. What a to-do
    says is null where the caller may not read it (the decision of a case conference for
    others than its owner, whoever gave it and bk)."""

    class FilterSerializer(serializers.Serializer):
        scope = serializers.ChoiceField(
            choices=["mine", "given", "class", "all"], required=False, default="mine"
        )
        status = serializers.ChoiceField(
            choices=[*ActionStatus.values, "all"], required=False, default="open"
        )

        class Meta:
            ref_name = "TodoListFilter"

    @extend_schema(
        parameters=[FilterSerializer, PAGE_PARAM, PAGE_SIZE_PARAM],
        responses=paginated(TodoOutputSerializer, "PaginatedTodoList"),
        operation_id="todos_list",
    )
    def get(self, request):
        _require(permissions.can_use_todos(request.user))
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = selectors.todo_list(user=request.user, **filters.validated_data)
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        rows = selectors.todo_rows(request.user, page)
        audit_student_list(
            request=request,
            action="todo.list",
            student_ids=[r.student.pk for r in rows],
            detail={"via": "api"},
        )
        return paginator.get_paginated_response(TodoOutputSerializer(rows, many=True).data)


class TodoDoneApi(APIView):
    """POST: mark the to-do done (its owner, whoever gave it, bk of the school); audited."""

    @extend_schema(request=None, responses=TodoOutputSerializer, operation_id="todos_done")
    def post(self, request, pk: int):
        _require(permissions.can_use_todos(request.user))
        item = selectors.action_item_get(user=request.user, pk=pk)
        with service_errors():
            services.action_item_done(user=request.user, item=item, request=request)
        return Response(_row(request, item))


class TodoReassignApi(APIView):
    """POST `{"owner": id}`: give the open to-do to another staff member of the school, who is
    notified; audited."""

    class InputSerializer(serializers.Serializer):
        owner = serializers.IntegerField(min_value=1, max_value=MAX_ID)

        class Meta:
            ref_name = "TodoReassignInput"

    @extend_schema(
        request=InputSerializer, responses=TodoOutputSerializer, operation_id="todos_reassign"
    )
    def post(self, request, pk: int):
        _require(permissions.can_use_todos(request.user))
        item = selectors.action_item_get(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        owner = (
            selectors.staff_choices(school_id=item.school_id)
            .filter(pk=serializer.validated_data["owner"])
            .first()
        )
        with service_errors():
            services.action_item_reassign(
                user=request.user, item=item, owner=owner, request=request
            )
        return Response(_row(request, item))


class TodoRescheduleApi(APIView):
    """POST `{"due_date": "YYYY-MM-DD"}`: move the open to-do's date (not into the past);
    audited."""

    class InputSerializer(serializers.Serializer):
        due_date = serializers.DateField()

        class Meta:
            ref_name = "TodoRescheduleInput"

    @extend_schema(
        request=InputSerializer, responses=TodoOutputSerializer, operation_id="todos_reschedule"
    )
    def post(self, request, pk: int):
        _require(permissions.can_use_todos(request.user))
        item = selectors.action_item_get(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            services.action_item_reschedule(
                user=request.user,
                item=item,
                due_date=serializer.validated_data["due_date"],
                request=request,
            )
        return Response(_row(request, item))
