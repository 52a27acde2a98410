"""Every model of the interventions app, by topic package. Django registers a model when its
module is imported; importing them all here does that, and lets other apps write
`from interventions.models import Intervention, InterventionSession` as they always have.
Code inside the app imports from the topic's own `models` module instead."""

from .actions.models import ActionItem, ActionSource, ActionStatus
from .cases.models import (
    SESSION_CONTENT_FIELDS,
    CaseDecision,
    FollowUpSweep,
    Intervention,
    InterventionSession,
    Outcome,
    Programme,
    ReferralStatus,
    SessionKind,
    Status,
    SweepStatus,
    Tier,
)
from .conduct.models import (
    Behaviour,
    BehaviourKind,
    LetterKind,
    PointEntry,
    PointThreshold,
    PointTodo,
)
from .contacts.models import (
    ContactChannel,
    Letter,
    LetterTemplate,
    ParentContact,
    UnattendedCheck,
    UnattendedStudent,
)
from .referrals.models import BkReferral, BkReferralStatus

__all__ = [
    "ActionItem",
    "ActionSource",
    "ActionStatus",
    "SESSION_CONTENT_FIELDS",
    "Behaviour",
    "BehaviourKind",
    "BkReferral",
    "BkReferralStatus",
    "CaseDecision",
    "ContactChannel",
    "FollowUpSweep",
    "Intervention",
    "InterventionSession",
    "Letter",
    "LetterKind",
    "LetterTemplate",
    "Outcome",
    "ParentContact",
    "PointEntry",
    "PointThreshold",
    "PointTodo",
    "Programme",
    "ReferralStatus",
    "SessionKind",
    "Status",
    "SweepStatus",
    "Tier",
    "UnattendedCheck",
    "UnattendedStudent",
]
