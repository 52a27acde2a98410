"""A web request never imports TensorFlow: the WSGI app, every URL module and every view
module load without it (checked in a fresh interpreter)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import sys
import django
from django.core.wsgi import get_wsgi_application
application = get_wsgi_application()
from django.urls import get_resolver
def walk(resolver):
    for entry in resolver.url_patterns:
        if hasattr(entry, "url_patterns"):
            walk(entry)
        else:
            entry.callback
walk(get_resolver())
import predictions.services, predictions.selectors, predictions.charts, students.selectors
heavy = sorted(m for m in sys.modules if m.split(".")[0] in {"tensorflow", "keras", "jax", "torch"})
print(",".join(heavy))
"""


def test_the_web_process_loads_every_view_without_tensorflow_or_keras():
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "smk_dashboard.settings", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert out.stdout.strip() == "", f"imported in the web process: {out.stdout}"
