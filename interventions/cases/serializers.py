"""Serializers the intervention and session API views share: the output shapes and the
fields a client may write. Each view's own InputSerializer builds on these (api.py)."""

from django.utils.translation import gettext as _
from rest_framework import serializers

from .models import SESSION_CONTENT_FIELDS
from .services import MAX_FOLLOW_UP_DAYS

MAX_ID = 2**31 - 1


class _RefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()

    class Meta:
        ref_name = "InterventionRef"


class _UserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="__str__")
    role = serializers.CharField()

    class Meta:
        ref_name = "StaffRef"


class InterventionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    student = _RefSerializer()
    school_class = _RefSerializer(source="student.school_class", allow_null=True)
    programme = _RefSerializer()
    owner = _UserSerializer()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    outcome = serializers.CharField()
    start_date = serializers.DateField()
    follow_up_days = serializers.IntegerField()
    next_follow_up = serializers.DateField(allow_null=True)
    is_overdue = serializers.BooleanField()
    reason = serializers.CharField()
    goal = serializers.CharField(allow_blank=True)
    closing_note = serializers.CharField(allow_blank=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    triggered_by = serializers.IntegerField(source="triggered_by_id", allow_null=True)

    class Meta:
        ref_name = "Intervention"


class _DecisionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    decision = serializers.CharField()
    responsible = serializers.CharField()
    owner = serializers.IntegerField(
        source="owner_id", allow_null=True, help_text="id of the staff member whose to-do it is"
    )
    due_date = serializers.DateField()
    done_at = serializers.DateField(allow_null=True)

    class Meta:
        ref_name = "CaseDecision"


class SessionOutputSerializer(serializers.Serializer):
    """A session. `notes` is null for a user who may not read counselling notes, and in the
    answer to a write: notes are read only through GET, and every read is audited."""

    id = serializers.IntegerField()
    date = serializers.DateField()
    attended = serializers.BooleanField()
    next_follow_up = serializers.DateField(allow_null=True)
    created_by = _UserSerializer(allow_null=True)
    created_at = serializers.DateTimeField()
    notes = serializers.CharField(allow_null=True, allow_blank=True)
    can_edit = serializers.BooleanField()
    # Issue 17: the kind (session, home_visit, case_conference, referral) and the "sangat
    # rahasia" tier are listed to everyone who sees the intervention; content is not.
    kind = serializers.CharField()
    very_confidential = serializers.BooleanField()
    # The typed fields of a home visit, case conference or referral out: content, so null
    # exactly where `notes` is (a user who may not read the session, above all a "sangat
    # rahasia" one, and the answer to a write).
    attendees = serializers.CharField(allow_null=True, allow_blank=True)
    visit_address = serializers.CharField(allow_null=True, allow_blank=True)
    findings = serializers.CharField(allow_null=True, allow_blank=True)
    decisions = _DecisionSerializer(many=True, allow_null=True)
    referral_to = serializers.CharField(allow_null=True, allow_blank=True)
    referral_reason = serializers.CharField(allow_null=True, allow_blank=True)
    referral_status = serializers.CharField(allow_null=True, allow_blank=True)
    referral_outcome = serializers.CharField(allow_null=True, allow_blank=True)

    class Meta:
        ref_name = "InterventionSession"


CONTENT_FIELDS = (
    "attendees",
    "visit_address",
    "findings",
    "referral_to",
    "referral_reason",
    "referral_status",
    "referral_outcome",
)


def _content(session, *, readable: bool) -> dict:
    """A session's typed fields when the user may read them (the caller has checked and
    audited the read), else all null."""
    if not readable:
        return dict.fromkeys((*CONTENT_FIELDS, "decisions"))
    deferred = session.get_deferred_fields() & set(SESSION_CONTENT_FIELDS)
    if deferred:  # the timeline defers content: one query for all of it, not one per field
        session.refresh_from_db(fields=sorted(deferred))
    return {
        **{name: getattr(session, name) for name in CONTENT_FIELDS},
        "decisions": list(session.decisions.all()),
    }


class _InterventionFieldsSerializer(serializers.Serializer):
    """Fields a client may set when creating or editing an intervention."""

    programme = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    reason = serializers.CharField(max_length=5000)
    goal = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    follow_up_days = serializers.IntegerField(
        min_value=1, max_value=MAX_FOLLOW_UP_DAYS, required=False, default=14
    )
    participants = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        default=list,
        max_length=50,
    )


class _SessionFieldsSerializer(serializers.Serializer):
    date = serializers.DateField()
    notes = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    attended = serializers.BooleanField(required=False, default=True)
    next_follow_up = serializers.DateField(required=False, allow_null=True, default=None)


class _DecisionInputSerializer(serializers.Serializer):
    """A decision for a staff member of the school (`owner`, an id: it becomes their to-do) or
    for someone else named in `responsible` (parents, a health centre: kept as text)."""

    decision = serializers.CharField(max_length=5000)
    owner = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False)
    responsible = serializers.CharField(max_length=120, required=False, allow_blank=True)
    due_date = serializers.DateField()

    def validate(self, attrs: dict) -> dict:
        if not attrs.get("owner") and not (attrs.get("responsible") or "").strip():
            raise serializers.ValidationError(
                _("Setiap keputusan perlu isi, penanggung jawab dan batas waktu.")
            )
        return attrs

    class Meta:
        ref_name = "CaseDecisionInput"
