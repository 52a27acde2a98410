"""The `smk_dashboard` app's rows, registered here, where Django looks for an app's models: the
audit trail, API tokens and notifications (defined in the lowest layer, `smk_dashboard.core`)
and two-factor enrolment codes (`smk_dashboard.signin.enrolment`)."""

from smk_dashboard.core.api_tokens import ApiToken  # noqa: F401
from smk_dashboard.core.models import AppendOnlyError, AuditEvent  # noqa: F401
from smk_dashboard.core.notifications import Notification, NotificationPreference  # noqa: F401
from smk_dashboard.signin.enrolment import EnrolmentCode  # noqa: F401
