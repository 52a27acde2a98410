"""Signing in: password backends with lockout, the login audit, sessions read through the
cache, and two-factor sign-in with its pages."""
