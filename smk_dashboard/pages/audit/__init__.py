"""The audit log page (/audit/)."""
