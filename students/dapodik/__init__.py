"""Dapodik: the school's roster pulled from its Dapodik web service (client.py), turned into
a roster file (roster.py) and run through the same import pipeline as an uploaded roster
(services.py); the operator's settings page (forms.py, views.py)."""
