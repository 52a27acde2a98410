"""Processes of a site on one machine, each in a folder of its own, for the benchmarks that
play several hosts (multi_host.py, district_scale.py): a clean environment per process, an
HTTP client for the web process, and waits."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, seconds: float, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[2:5]} exited with {proc.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2).close()  # noqa: S310 — loopback
            return
        except urllib.error.HTTPError:
            return  # answering at all is enough
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {seconds:.0f} s")


class Http:
    """A tiny client for the web process: JSON API with a token, HTML pages with a session."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.token = ""
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def request(self, method, path, *, data=None, headers=None, form=None, files=None):
        headers = dict(headers or {})
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        body = None
        if files:
            boundary = uuid.uuid4().hex
            parts = []
            for name, value in (form or {}).items():
                parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
                             f"\r\n\r\n{value}\r\n".encode())  # fmt: skip
            for name, (filename, blob) in files.items():
                parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                             f'filename="{filename}"\r\nContent-Type: application/octet-stream'
                             "\r\n\r\n".encode() + blob + b"\r\n")  # fmt: skip
            body = b"".join(parts) + f"--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        elif form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif data is not None:
            body = json.dumps(data).encode()
            headers["Content-Type"] = "application/json"
        # The web process on loopback (http only): S310's file: scheme cannot occur.
        req = urllib.request.Request(self.base + path, data=body, method=method, headers=headers)  # noqa: S310
        try:
            with self.opener.open(req, timeout=60) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def json(self, method, path, **kwargs) -> tuple[int, dict]:
        status, body = self.request(method, path, **kwargs)
        try:
            return status, json.loads(body or b"{}")
        except ValueError:
            return status, {"raw": body[:300].decode(errors="replace")}


class Site:
    """The processes of one run and their folders."""

    def __init__(self, work: Path, *, database_url: str | None) -> None:
        self.work = work
        self.database_url = database_url or f"sqlite:///{work / 'database' / 'smk.sqlite3'}"
        self.procs: dict[str, subprocess.Popen] = {}
        self.logs: list = []
        self.env_common: dict[str, str] = {}

    def folder(self, role: str) -> Path:
        return self.work / role

    def env(self, role: str) -> dict[str, str]:
        """A clean environment: nothing inherited that names a database, folder or broker."""
        from smk_dashboard.ops.dev_env import LOCAL_HTTP

        keep = ("PATH", "LANG", "LC_ALL", "SYSTEMROOT", "PYTHONHASHSEED")
        env = {k: v for k, v in os.environ.items() if k in keep}
        home = self.folder(role)
        env.update({"DEBUG": "off", **LOCAL_HTTP, **self.env_common,
            "DJANGO_SETTINGS_MODULE": "smk_dashboard.settings", "PYTHONPATH": str(ROOT),
            "PYTHONUNBUFFERED": "1", "DATABASE_URL": self.database_url, "HOME": str(home),
            "TMPDIR": str(home / "tmp"), "MEDIA_ROOT": str(home / "media"),
            "MODEL_STORAGE_DIR": str(home / "models"), "RETRAIN_ON_NEW_DATA": "off",
            "KERAS_HOME": str(home / ".keras"), "MPLCONFIGDIR": str(home / ".matplotlib"),
            "XDG_CACHE_HOME": str(home / ".cache"), "LOG_LEVEL": "INFO"})  # fmt: skip
        return env

    def start(self, role: str, argv: list[str]) -> subprocess.Popen:
        home = self.folder(role)
        (home / "tmp").mkdir(parents=True, exist_ok=True)
        log = (home / f"{role}.log").open("w")
        self.logs.append(log)
        proc = subprocess.Popen(  # noqa: S603 — our own processes, fixed argv
            argv, cwd=home, env=self.env(role), stdout=log, stderr=subprocess.STDOUT
        )
        self.procs[role] = proc
        return proc

    def manage(self, role: str, *args: str, timeout: float = 600) -> str:
        home = self.folder(role)
        (home / "tmp").mkdir(parents=True, exist_ok=True)
        done = subprocess.run(  # noqa: S603
            [sys.executable, str(ROOT / "manage.py"), *args], cwd=home, env=self.env(role),
            capture_output=True, text=True, timeout=timeout, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {args[0]}: {done.stderr[-2000:]}")
        return done.stdout

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        for log in self.logs:
            log.close()


def s3_client(endpoint: str):
    import boto3

    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="smk", aws_secret_access_key="smk-secret")  # fmt: skip


def wait_log(path: Path, text: str, seconds: float, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{path.name}: exited {proc.returncode}")
        if path.exists() and text in path.read_text(errors="replace"):
            return
        time.sleep(0.3)
    raise RuntimeError(f"{path.name}: no '{text}' within {seconds:.0f} s")
