"""REST API for BK interventions and their sessions. The rules are those of the pages: who may
see, create and manage lives in permissions.py, reads go through selectors.py (an
intervention out of sight answers 404; counselling notes are read only through the selectors,
which write `note.read` to the audit log) and every write goes through services.py. The
serializers the views share are in serializers.py."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from smk_dashboard.core.api_support import IdField, paginated, paginated_response, service_errors
from smk_dashboard.core.audit import audit_student_list
from smk_dashboard.core.bounds import MAX_DECISIONS
from students.api import PAGE_PARAM, PAGE_SIZE_PARAM
from students.selectors import student_queryset_for_user

from . import permissions, selectors, services, session_services
from .models import Outcome, ReferralStatus, SessionKind, Status
from .serializers import (
    MAX_ID,
    InterventionOutputSerializer,
    SessionOutputSerializer,
    _content,
    _DecisionInputSerializer,
    _InterventionFieldsSerializer,
    _SessionFieldsSerializer,
    _UserSerializer,
)

CLOSED = [Status.COMPLETED, Status.STOPPED]


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _visible(request, pk: int):
    _require(permissions.can_view_interventions(request.user))
    return selectors.intervention_get(user=request.user, pk=pk, request=request)


def _managed(request, pk: int):
    intervention = _visible(request, pk)
    _require(permissions.can_manage(request.user, intervention))
    return intervention


def _invalid(field: str, message: str):
    return serializers.ValidationError({"detail": message, field: [message]})


REFERRAL_UPDATE_FIELDS = frozenset({"referral_status", "referral_outcome"})


def _timeline_data(request, intervention) -> list[dict]:
    """The sessions with notes where the user may read them (the selector audits the read)."""
    entries = selectors.intervention_timeline(
        user=request.user, intervention=intervention, request=request
    )
    rows = [
        {
            "id": e.session.pk,
            "date": e.session.date,
            "attended": e.session.attended,
            "next_follow_up": e.session.next_follow_up,
            "created_by": e.session.created_by,
            "created_at": e.session.created_at,
            "notes": e.notes,
            "can_edit": e.can_edit,
            "kind": e.session.kind,
            "very_confidential": e.session.very_confidential,
            **_content(e.session, readable=e.readable),
        }
        for e in entries
    ]
    return SessionOutputSerializer(rows, many=True).data


def _programme(request, pk: int):
    programme = selectors.programmes_for_school(user=request.user).filter(pk=pk).first()
    if programme is None:
        raise _invalid("programme", _("Pilih layanan yang aktif dari katalog sekolah ini."))
    return programme


def _participants(request, ids: list[int], student, keep: list | None = None) -> list:
    """The users named, each of whom must be staff who may see the student's counselling data
    (the form's checkboxes); `keep`: those already taking part, who may stay."""
    kept = {u.pk: u for u in keep or () if u.pk in set(ids)}
    found = list(
        selectors.participant_choices(user=request.user, student=student).filter(
            pk__in=set(ids) - set(kept)
        )
    )
    if len(found) + len(kept) != len(set(ids)):
        raise _invalid(
            "participants",
            _("Pihak yang terlibat harus staf yang boleh melihat data konseling siswa ini."),
        )
    return found + list(kept.values())


class InterventionListCreateApi(APIView):
    """GET: the interventions the caller may see (bk and kepsek: the school; walikelas: their
    classes and their own), newest first. POST (bk, walikelas): open one for a student in
    the caller's scope."""

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(required=False, choices=Status.values)
        programme = IdField(required=False, min_value=1, max_value=MAX_ID)
        student = IdField(required=False, min_value=1, max_value=MAX_ID)
        scope = serializers.ChoiceField(required=False, choices=["all", "mine"])
        overdue = serializers.BooleanField(required=False, default=False)

        class Meta:
            ref_name = "InterventionListFilter"

        def get_fields(self):
            fields = super().get_fields()
            # `class` is a Python keyword, so it cannot be a class attribute.
            fields["class"] = IdField(
                required=False, min_value=1, max_value=MAX_ID, help_text="id rombel"
            )
            return fields

    class InputSerializer(_InterventionFieldsSerializer):
        student = IdField(min_value=1, max_value=MAX_ID)
        start_date = serializers.DateField()
        owner = IdField(min_value=1, max_value=MAX_ID, required=False)
        triggered_by = IdField(
            min_value=1, max_value=MAX_ID, required=False, help_text="id prediksi pemicu"
        )

        class Meta:
            ref_name = "InterventionCreateInput"

    @extend_schema(
        parameters=[FilterSerializer, PAGE_PARAM, PAGE_SIZE_PARAM],
        responses=paginated(InterventionOutputSerializer, "PaginatedInterventionList"),
        operation_id="interventions_list",
    )
    def get(self, request):
        _require(permissions.can_view_interventions(request.user))
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        f = filters.validated_data
        interventions = selectors.intervention_list(
            user=request.user,
            filters=selectors.ListFilters(
                scope=f.get("scope") or "all",
                status=f.get("status") or "",
                programme=f.get("programme"),
                school_class=f.get("class"),
                overdue=f["overdue"],
                student=f.get("student"),
            ),
        )
        response = paginated_response(
            request=request,
            view=self,
            queryset=interventions,
            serializer_class=InterventionOutputSerializer,
        )
        audit_student_list(
            request=request,
            action="intervention.list",
            student_ids=[row["student"]["id"] for row in response.data["results"]],
            detail={"via": "api"},
        )
        return response

    @extend_schema(
        request=InputSerializer,
        responses={201: InterventionOutputSerializer},
        operation_id="interventions_create",
    )
    def post(self, request):
        user = request.user
        _require(permissions.can_create_interventions(user))
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        student = student_queryset_for_user(user=user).filter(pk=data["student"]).first()
        if student is None:
            raise _invalid("student", _("Siswa tidak ditemukan di sekolah atau kelas Anda."))
        owner = user
        if data.get("owner"):
            owner = selectors.owner_choices(user=user).filter(pk=data["owner"]).first()
            if owner is None:
                raise _invalid(
                    "owner", _("Penanggung jawab harus guru BK atau wali kelas di sekolah ini.")
                )
        prediction = None
        if data.get("triggered_by"):
            prediction = selectors.prediction_for_student(student=student, pk=data["triggered_by"])
            if prediction is None:
                raise _invalid("triggered_by", _("Prediksi pemicu bukan milik siswa ini."))
        with service_errors():
            intervention = services.intervention_create(
                user=user,
                student=student,
                programme=_programme(request, data["programme"]),
                reason=data["reason"],
                goal=data["goal"],
                owner=owner,
                participants=_participants(request, data["participants"], student),
                start_date=data["start_date"],
                follow_up_days=data["follow_up_days"],
                triggered_by=prediction,
                request=request,
            )
        intervention = selectors.intervention_get(user=user, pk=intervention.pk)
        return Response(
            InterventionOutputSerializer(intervention).data, status=status.HTTP_201_CREATED
        )


class InterventionDetailApi(APIView):
    """GET: one intervention with its sessions (notes only for bk of the school and the
    owner; each such read is audited as `note.read`). PATCH (bk, owner): change the plan of
    an open intervention. DELETE (bk, owner): soft delete; the rows stay for the audit."""

    class DetailOutputSerializer(InterventionOutputSerializer):
        participants = _UserSerializer(many=True, source="participants.all")
        can_manage = serializers.BooleanField()
        can_read_notes = serializers.BooleanField()
        sessions = serializers.SerializerMethodField()

        class Meta:
            ref_name = "InterventionDetail"

        @extend_schema_field(SessionOutputSerializer(many=True))
        def get_sessions(self, obj) -> list[dict]:
            return self.context["sessions"]

    class UpdateInputSerializer(_InterventionFieldsSerializer):
        class Meta:
            ref_name = "InterventionUpdateInput"

    @extend_schema(responses=DetailOutputSerializer, operation_id="interventions_retrieve")
    def get(self, request, pk: int):
        intervention = _visible(request, pk)
        intervention.can_manage = permissions.can_manage(request.user, intervention)
        intervention.can_read_notes = permissions.can_read_notes(request.user, intervention)
        context = {"sessions": _timeline_data(request, intervention)}
        return Response(self.DetailOutputSerializer(intervention, context=context).data)

    @extend_schema(
        request=UpdateInputSerializer,
        responses=InterventionOutputSerializer,
        operation_id="interventions_partial_update",
    )
    def patch(self, request, pk: int):
        intervention = _managed(request, pk)
        serializer = self.UpdateInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        programme = (
            _programme(request, data["programme"])
            if "programme" in data
            else intervention.programme
        )
        participants = (
            _participants(
                request,
                data["participants"],
                intervention.student,
                keep=list(intervention.participants.all()),
            )
            if "participants" in data
            else list(intervention.participants.all())
        )
        with service_errors():
            services.intervention_update(
                intervention=intervention,
                user=request.user,
                programme=programme,
                reason=data.get("reason", intervention.reason),
                goal=data.get("goal", intervention.goal),
                follow_up_days=data.get("follow_up_days", intervention.follow_up_days),
                participants=participants,
                request=request,
            )
        intervention = selectors.intervention_get(user=request.user, pk=pk)
        return Response(InterventionOutputSerializer(intervention).data)

    @extend_schema(request=None, responses={204: None}, operation_id="interventions_destroy")
    def delete(self, request, pk: int):
        intervention = _managed(request, pk)
        with service_errors():
            services.intervention_delete(
                intervention=intervention, user=request.user, request=request
            )
        return Response(status=status.HTTP_204_NO_CONTENT)


class InterventionStartApi(APIView):
    """planned → in_progress (bk, owner)."""

    @extend_schema(request=None, responses=InterventionOutputSerializer)
    def post(self, request, pk: int):
        intervention = _managed(request, pk)
        with service_errors():
            services.intervention_start(
                intervention=intervention, user=request.user, request=request
            )
        intervention = selectors.intervention_get(user=request.user, pk=pk)
        return Response(InterventionOutputSerializer(intervention).data)


class InterventionCloseApi(APIView):
    """Close as completed or stopped, with the outcome (bk, owner)."""

    class InputSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=CLOSED)
        outcome = serializers.ChoiceField(choices=Outcome.values)
        closing_note = serializers.CharField(
            max_length=5000, required=False, allow_blank=True, default=""
        )

        class Meta:
            ref_name = "InterventionCloseInput"

    @extend_schema(request=InputSerializer, responses=InterventionOutputSerializer)
    def post(self, request, pk: int):
        intervention = _managed(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            services.intervention_close(
                intervention=intervention,
                user=request.user,
                request=request,
                **serializer.validated_data,
            )
        intervention = selectors.intervention_get(user=request.user, pk=pk)
        return Response(InterventionOutputSerializer(intervention).data)


def _session_update(request, session, data: dict):
    """The session's own fields from validated input; what is not given stays as it is."""
    return services.session_update(
        session=session,
        user=request.user,
        date=data.get("date", session.date),
        notes=data.get("notes", session.notes),
        attended=data.get("attended", session.attended),
        next_follow_up=data.get("next_follow_up", session.next_follow_up),
        request=request,
    )


def _session_data(session, *, notes: str | None, can_edit: bool) -> dict:
    """One session; its typed content goes with its notes (null when ``notes`` is None)."""
    return SessionOutputSerializer(
        {
            "id": session.pk,
            "date": session.date,
            "attended": session.attended,
            "next_follow_up": session.next_follow_up,
            "created_by": session.created_by,
            "created_at": session.created_at,
            "notes": notes,
            "can_edit": can_edit,
            "kind": session.kind,
            "very_confidential": session.very_confidential,
            **_content(session, readable=notes is not None),
        }
    ).data


class SessionListCreateApi(APIView):
    """GET: the sessions of one intervention, oldest first (notes and typed content as on the
    detail). POST (bk, owner): log a session of any kind (as the page's form does: a home
    visit needs the address, a case conference participants and decisions, a referral out
    where to and why; only the owner may mark it "sangat rahasia"); the first one moves a
    planned intervention to in_progress."""

    class InputSerializer(_SessionFieldsSerializer):
        kind = serializers.ChoiceField(choices=SessionKind.choices, default=SessionKind.SESSION)
        very_confidential = serializers.BooleanField(required=False, default=False)
        attendees = serializers.CharField(max_length=5000, required=False, allow_blank=True)
        visit_address = serializers.CharField(max_length=1000, required=False, allow_blank=True)
        findings = serializers.CharField(max_length=20000, required=False, allow_blank=True)
        decisions = _DecisionInputSerializer(many=True, required=False, max_length=MAX_DECISIONS)
        referral_to = serializers.CharField(max_length=200, required=False, allow_blank=True)
        referral_reason = serializers.CharField(max_length=5000, required=False, allow_blank=True)

        class Meta:
            ref_name = "SessionCreateInput"

    @extend_schema(
        responses=SessionOutputSerializer(many=True), operation_id="intervention_sessions_list"
    )
    def get(self, request, pk: int):
        return Response(_timeline_data(request, _visible(request, pk)))

    @extend_schema(
        request=InputSerializer,
        responses={201: SessionOutputSerializer},
        operation_id="intervention_sessions_create",
    )
    def post(self, request, pk: int):
        intervention = _managed(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            session = session_services.session_record(
                intervention=intervention,
                user=request.user,
                request=request,
                **serializer.validated_data,
            )
        body = _session_data(session, notes=None, can_edit=True)
        return Response(body, status=status.HTTP_201_CREATED)


class SessionDetailApi(APIView):
    """GET: one session with its notes, for those who may read them (audited). PATCH: its
    author corrects it while the intervention is open."""

    class UpdateInputSerializer(_SessionFieldsSerializer):
        # A referral out: where it stands and what came of it (as the page's referral form).
        referral_status = serializers.ChoiceField(choices=ReferralStatus.choices, required=False)
        referral_outcome = serializers.CharField(max_length=5000, required=False, allow_blank=True)

        class Meta:
            ref_name = "SessionUpdateInput"

    def _session(self, request, pk: int, session_pk: int):
        intervention = _visible(request, pk)
        session = selectors.session_get(user=request.user, intervention=intervention, pk=session_pk)
        _require(permissions.can_read_session(request.user, session))
        return session

    @extend_schema(responses=SessionOutputSerializer, operation_id="intervention_session_retrieve")
    def get(self, request, pk: int, session_pk: int):
        session = self._session(request, pk, session_pk)
        notes = selectors.session_notes_for_edit(
            user=request.user, session=session, request=request
        )
        can_edit = permissions.can_edit_session(request.user, session)
        return Response(_session_data(session, notes=notes, can_edit=can_edit))

    @extend_schema(
        request=UpdateInputSerializer,
        responses=SessionOutputSerializer,
        operation_id="intervention_session_partial_update",
    )
    def patch(self, request, pk: int, session_pk: int):
        session = self._session(request, pk, session_pk)
        keys = set(request.data.keys()) if hasattr(request.data, "keys") else set()
        # The session's own fields: only its author. A referral's status and outcome: whoever
        # manages the intervention and may read the session (as the page's referral form).
        if keys & REFERRAL_UPDATE_FIELDS:
            _require(permissions.can_manage(request.user, session.intervention))
        if keys - REFERRAL_UPDATE_FIELDS or not keys:
            _require(permissions.can_edit_session(request.user, session))
        serializer = self.UpdateInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        referral = {k: data.pop(k) for k in REFERRAL_UPDATE_FIELDS if k in data}
        with service_errors(), transaction.atomic():
            if referral:
                session = session_services.referral_update(
                    session=session,
                    user=request.user,
                    status=referral.get("referral_status", session.referral_status),
                    outcome=referral.get("referral_outcome", session.referral_outcome),
                    request=request,
                )
            if data or not referral:
                session = _session_update(request, session, data)
        can_edit = permissions.can_edit_session(request.user, session)
        return Response(_session_data(session, notes=None, can_edit=can_edit))
        with service_errors():
            session = _session_update(request, session, data)
        return Response(_session_data(session, notes=None, can_edit=True))
