"""The intervention core: BK programmes, interventions, their sessions and follow-ups, the
effectiveness reports, and the permission rules every topic of the app asks."""
