"""Fetch the partial plotly.js bundle from the npm registry at build time (`make static`).

    python -m smk_dashboard.ops.vendor_assets          # writes static/vendor/plotly/plotly.min.js

The pages draw only bar, scatter and heatmap traces (predictions/charts.py), so they need the
"cartesian" partial bundle (1.5 MB, about 0.5 MB gzipped), not the full plotly.js (4.8 MB).
The tarball is pinned by version and checked against the sha512 integrity the npm registry
publishes, so a build gets exactly these bytes or fails. Only Python's standard library is
used: no node or npm on the machine. NPM_CONFIG_REGISTRY points at a mirror if needed.
Nothing is fetched when the file on disk already has the pinned sha256.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import sys
import tarfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGET_DIR = ROOT / "static" / "vendor" / "plotly"

PACKAGE = "plotly.js-cartesian-dist-min"
VERSION = "4.1.1"
# `npm view plotly.js-cartesian-dist-min@4.1.1 dist.integrity`
INTEGRITY = (
    "sha512-o8GrFeusncwBIxbBynRJpY4pkgVB6caM+JLpwrLYbbsO7dZ8FJ+SVN2Fr+L7kiG/"
    "Z6w4P5O0Jus/Qr5EefHVeg=="
)
# member of the tarball -> name under static/vendor/plotly/
FILES = {"package/plotly-cartesian.min.js": "plotly.min.js", "package/LICENSE": "LICENSE"}
# sha256 of plotly-cartesian.min.js in that tarball: lets a rebuild skip the download.
BUNDLE_SHA256 = "79542150855a52c567260e3137095dbe2b744e6d702a5cabe67da246942fba7a"


def tarball_url(registry: str | None = None) -> str:
    registry = registry or os.environ.get("NPM_CONFIG_REGISTRY") or "https://registry.npmjs.org"
    name = PACKAGE.rsplit("/", 1)[-1]
    return f"{registry.rstrip('/')}/{PACKAGE}/-/{name}-{VERSION}.tgz"


def check_integrity(data: bytes, integrity: str = INTEGRITY) -> None:
    """Raise ValueError unless `data` matches the npm (SRI) integrity string."""
    algorithm, _, expected = integrity.partition("-")
    digest = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if digest != expected:
        raise ValueError(f"{PACKAGE}@{VERSION}: integrity mismatch ({algorithm} {digest})")


def bundle_is_current(target_dir: Path = TARGET_DIR) -> bool:
    bundle = target_dir / "plotly.min.js"
    return bundle.is_file() and hashlib.sha256(bundle.read_bytes()).hexdigest() == BUNDLE_SHA256


def fetch(target_dir: Path = TARGET_DIR, *, timeout: float = 60) -> bool:
    """Download, verify and unpack the bundle into target_dir. False if already current."""
    if bundle_is_current(target_dir):
        return False
    url = tarball_url()
    if not url.startswith(("https://", "http://")):
        raise ValueError(f"registry URL must be http(s): {url}")
    # bandit B310: the scheme is checked just above; the bytes are checked by sha512 below.
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310  # nosec B310
        data = response.read()
    check_integrity(data)
    target_dir.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member, name in FILES.items():
            content = tar.extractfile(member)
            if content is None:
                raise ValueError(f"{member} missing from {url}")
            tmp = target_dir / f".{name}.tmp"
            tmp.write_bytes(content.read())
            tmp.replace(target_dir / name)
    if not bundle_is_current(target_dir):
        raise ValueError(f"{PACKAGE}@{VERSION}: unpacked bundle has an unexpected sha256")
    return True


def main() -> int:
    try:
        fetched = fetch()
    except (OSError, ValueError) as exc:
        print(
            f"Gagal mengambil {PACKAGE}@{VERSION} dari registri npm ({tarball_url()}): {exc}",
            file=sys.stderr,
        )
        return 1
    state = "diunduh" if fetched else "sudah ada"
    print(f"{PACKAGE}@{VERSION} {state}: {TARGET_DIR / 'plotly.min.js'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
