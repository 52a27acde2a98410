"""Container health check for the web role: GET /healthz on the local gunicorn.

Sends the first ALLOWED_HOSTS name as Host (Django answers 400 to an unknown host) and exits 0
only on HTTP 200. /healthz, /readyz and /metrics are exempt from the HTTPS redirect.
"""

import http.client
import os
import sys


def main() -> int:
    hosts = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
    host = next((h.lstrip(".") for h in hosts if h != "*"), "localhost")
    bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").rsplit(":", 1)
    port = int(bind[1]) if len(bind) == 2 else 8000
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=4)
    try:
        conn.request("GET", "/healthz", headers={"Host": host})
        status = conn.getresponse().status
    except OSError as exc:
        print(f"healthcheck: {exc}", file=sys.stderr)
        return 1
    finally:
        conn.close()
    return 0 if status == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
