"""REST API for a person's notifications (issue 24): list them, mark them read. Only ever the
caller's own; the text holds names and a link, never a note."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from smk_dashboard.core.api_support import paginated, paginated_response
from smk_dashboard.core.notifications import NotificationKind, notifications_mark_read
from smk_dashboard.pages.notifications import selectors
from students.api import PAGE_PARAM, PAGE_SIZE_PARAM

MAX_ID = 2**31 - 1


class NotificationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=NotificationKind.choices)
    text = serializers.CharField()
    url = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        ref_name = "Notification"


class NotificationListApi(APIView):
    """GET: the caller's notifications, newest first; `unread=true` for the unread only."""

    class FilterSerializer(serializers.Serializer):
        unread = serializers.BooleanField(required=False, default=False)

        class Meta:
            ref_name = "NotificationListFilter"

    @extend_schema(
        parameters=[FilterSerializer, PAGE_PARAM, PAGE_SIZE_PARAM],
        responses=paginated(NotificationOutputSerializer, "PaginatedNotificationList"),
        operation_id="notifications_list",
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = selectors.notification_list(user=request.user)
        if filters.validated_data["unread"]:
            qs = qs.filter(read_at__isnull=True)
        return paginated_response(
            request=request, view=self, queryset=qs, serializer_class=NotificationOutputSerializer
        )


class NotificationReadApi(APIView):
    """POST `{"ids": [...]}`: mark those of the caller's notifications read; no ids: all of
    them. Answers how many were marked."""

    class InputSerializer(serializers.Serializer):
        ids = serializers.ListField(
            child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
            required=False,
            max_length=500,
        )

        class Meta:
            ref_name = "NotificationReadInput"

    class OutputSerializer(serializers.Serializer):
        marked = serializers.IntegerField()

        class Meta:
            ref_name = "NotificationReadOutput"

    @extend_schema(
        request=InputSerializer, responses=OutputSerializer, operation_id="notifications_read"
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ids = serializer.validated_data.get("ids")
        marked = notifications_mark_read(user=request.user, ids=ids or None)
        return Response({"marked": marked})
