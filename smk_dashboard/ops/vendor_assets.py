"""Fetch pinned front-end files from the npm registry at build time (`make static`).

    python -m smk_dashboard.ops.vendor_assets            # plotly.js, for the pages
    python -m smk_dashboard.ops.vendor_assets axe-core   # axe-core, for the browser tests

plotly.js: the pages draw only bar, scatter and heatmap traces (predictions/charts.py), so they
need the "cartesian" partial bundle (1.5 MB, about 0.5 MB gzipped), not the full plotly.js
(4.8 MB); it goes to static/vendor/plotly/.
axe-core: the accessibility rules (WCAG 2.0/2.1 A and AA) that tests/e2e inject into each page;
it is never served, so it goes to .run/vendor/axe-core/ (outside static/).

Each tarball is pinned by version and checked against the sha512 integrity the npm registry
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
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Asset:
    package: str
    version: str
    integrity: str  # `npm view <package>@<version> dist.integrity`
    files: dict[str, str]  # member of the tarball -> name under target_dir
    main: str  # the file whose sha256 is pinned (lets a rebuild skip the download)
    sha256: str
    target_dir: Path

    @property
    def path(self) -> Path:
        return self.target_dir / self.main


PLOTLY = Asset(
    package="plotly.js-cartesian-dist-min",
    version="4.1.1",
    integrity=(
        "sha512-o8GrFeusncwBIxbBynRJpY4pkgVB6caM+JLpwrLYbbsO7dZ8FJ+SVN2Fr+L7kiG/"
        "Z6w4P5O0Jus/Qr5EefHVeg=="
    ),
    files={"package/plotly-cartesian.min.js": "plotly.min.js", "package/LICENSE": "LICENSE"},
    main="plotly.min.js",
    sha256="79542150855a52c567260e3137095dbe2b744e6d702a5cabe67da246942fba7a",
    target_dir=ROOT / "static" / "vendor" / "plotly",
)
AXE = Asset(
    package="axe-core",
    version="4.14.1",
    integrity=(
        "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37O"
        "gudVGtQ=="
    ),
    files={"package/axe.min.js": "axe.min.js", "package/LICENSE": "LICENSE"},
    main="axe.min.js",
    sha256="29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c",
    target_dir=ROOT / ".run" / "vendor" / "axe-core",
)
ASSETS = {asset.package: asset for asset in (PLOTLY, AXE)}


def tarball_url(asset: Asset = PLOTLY, registry: str | None = None) -> str:
    registry = registry or os.environ.get("NPM_CONFIG_REGISTRY") or "https://registry.npmjs.org"
    name = asset.package.rsplit("/", 1)[-1]
    return f"{registry.rstrip('/')}/{asset.package}/-/{name}-{asset.version}.tgz"


def check_integrity(data: bytes, integrity: str) -> None:
    """Raise ValueError unless `data` matches the npm (SRI) integrity string."""
    algorithm, _, expected = integrity.partition("-")
    digest = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if digest != expected:
        raise ValueError(f"integrity mismatch ({algorithm} {digest})")


def is_current(asset: Asset = PLOTLY) -> bool:
    path = asset.path
    return path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == asset.sha256


def fetch(asset: Asset = PLOTLY, *, timeout: float = 60) -> bool:
    """Download, verify and unpack the asset into its folder. False if already current."""
    if is_current(asset):
        return False
    url = tarball_url(asset)
    if not url.startswith(("https://", "http://")):
        raise ValueError(f"registry URL must be http(s): {url}")
    # bandit B310: the scheme is checked just above; the bytes are checked by sha512 below.
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310  # nosec B310
        data = response.read()
    check_integrity(data, asset.integrity)
    asset.target_dir.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member, name in asset.files.items():
            content = tar.extractfile(member)
            if content is None:
                raise ValueError(f"{member} missing from {url}")
            tmp = asset.target_dir / f".{name}.tmp"
            tmp.write_bytes(content.read())
            tmp.replace(asset.target_dir / name)
    if not is_current(asset):
        raise ValueError(f"{asset.package}@{asset.version}: unexpected sha256 after unpacking")
    return True


def main(argv: list[str] | None = None) -> int:
    names = (sys.argv[1:] if argv is None else argv) or [PLOTLY.package]
    for name in names:
        asset = ASSETS.get(name)
        if asset is None:
            print(f"Paket tidak dikenal: {name} (pilihan: {', '.join(ASSETS)})", file=sys.stderr)
            return 2
        try:
            fetched = fetch(asset)
        except (OSError, ValueError) as exc:
            print(
                f"Gagal mengambil {asset.package}@{asset.version} dari registri npm "
                f"({tarball_url(asset)}): {exc}",
                file=sys.stderr,
            )
            return 1
        state = "diunduh" if fetched else "sudah ada"
        print(f"{asset.package}@{asset.version} {state}: {asset.path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
