"""What gunicorn's master does before it forks the workers (`preload_app`, on by default in
smk_dashboard/ops/gunicorn.conf.py): import the WSGI application. That import loads the URL
configuration and the views (so that a freshly forked worker does not load them on its first
request), must open no database, cache or other network connection (a socket opened there
would be shared by every forked worker) and must stay light (no pandas, scikit-learn or Keras
in a web process)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, os, sys
from smk_dashboard.wsgi import application  # what gunicorn's preload imports
from django.db import connections
sockets = []
for fd in os.listdir("/proc/self/fd"):
    try:
        link = os.readlink(f"/proc/self/fd/{fd}")
    except OSError:  # the descriptor listdir itself used
        continue
    if link.startswith("socket:"):
        sockets.append(link)
print(json.dumps({
    "db_connections": [c.alias for c in connections.all() if c.connection is not None],
    "sockets": len(sockets),
    "urls_loaded": "smk_dashboard.urls" in sys.modules
    and "interventions.cases.views" in sys.modules,
    "heavy": sorted({m.split(".")[0] for m in sys.modules}
                    & {"pandas", "sklearn", "keras", "tensorflow", "plotly", "openpyxl", "scipy"}),
}))
"""


def test_importing_the_wsgi_app_opens_no_connection_and_loads_no_heavy_library():
    env = {
        # The real services when the suite runs against them: a connection made at import
        # time would show up as a socket.
        **{k: v for k, v in os.environ.items() if k in ("DATABASE_URL", "REDIS_URL", "PATH")},
        "DJANGO_SETTINGS_MODULE": "smk_dashboard.settings",
        "DEBUG": "on",  # no production key needed to import
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    found = json.loads(out.stdout.strip().splitlines()[-1])
    assert found == {"db_connections": [], "sockets": 0, "urls_loaded": True, "heavy": []}, found
