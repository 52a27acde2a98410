"""The one-page student pack (/students/<id>/summary.pdf): its contents and its PDF."""
