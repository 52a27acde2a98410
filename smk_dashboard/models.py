"""The `smk_dashboard` app's rows: the audit trail and notifications, defined in the lowest
layer (`smk_dashboard.core`) and registered here, where Django looks for an app's models."""

from smk_dashboard.core.models import AppendOnlyError, AuditEvent  # noqa: F401
from smk_dashboard.core.notifications import Notification, NotificationPreference  # noqa: F401
