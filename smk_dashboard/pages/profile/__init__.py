"""The student profile (/students/<id>/)."""
