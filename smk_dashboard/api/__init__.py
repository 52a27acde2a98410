"""The REST API under /api/v1/: the URL map of every app's endpoints, the API root and token
sign-in, and the student endpoints that show predictions."""
