"""The `smk_dashboard` app's rows: the audit trail, defined in the lowest layer
(`smk_dashboard.core.models`) and registered here, where Django looks for an app's models."""

from smk_dashboard.core.models import AppendOnlyError, AuditEvent  # noqa: F401
