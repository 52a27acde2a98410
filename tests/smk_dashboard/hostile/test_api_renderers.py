"""Issue 25 ("also"): DRF's browsable API is off in production (DEBUG off): JSON only."""

import json

from tests.smk_dashboard.test_safe_defaults import run_python

PROBE = """
import django, json
django.setup()
from rest_framework.settings import api_settings
print(json.dumps([c.__name__ for c in api_settings.DEFAULT_RENDERER_CLASSES]))
"""


def test_production_renders_json_only():
    out = run_python(PROBE, {})
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == ["JSONRenderer"]


def test_development_keeps_the_browsable_api():
    out = run_python(PROBE, {"DEBUG": "on"})
    assert out.returncode == 0, out.stderr
    assert "BrowsableAPIRenderer" in json.loads(out.stdout)
