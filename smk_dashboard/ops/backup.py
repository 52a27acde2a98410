"""Backups of one site: the PostgreSQL database and the model artifacts, and their restore.

A backup is one folder `smk-backup-YYYYMMDDTHHMMSSZ/` under BACKUP_DIR holding

    database.dump     pg_dump --format=custom (restore with pg_restore, any table on its own)
    models.tar.gz     MODEL_STORAGE_DIR (trained models, versioned files with their sha256)
    media.tar.gz      MEDIA_ROOT (uploaded spreadsheets), when it exists
    manifest.json     when, what from, and the sha256 and size of each file above
    SHA256SUMS        the same hashes for `sha256sum -c SHA256SUMS`

It is written under a hidden `.partial` name and renamed when complete, so a folder with the
backup name is always whole. Retention keeps the newest `keep` complete backups.
Restore checks every sha256 first and changes nothing if one differs.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil

# bandit B404: runs pg_dump / pg_restore with argument lists built here.
import subprocess  # nosec B404
import tarfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

PREFIX = "smk-backup-"
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
DATABASE_FILE = "database.dump"
MODELS_FILE = "models.tar.gz"
MEDIA_FILE = "media.tar.gz"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why."""


@dataclass
class BackupResult:
    path: Path
    files: dict[str, dict] = field(default_factory=dict)
    removed: list[Path] = field(default_factory=list)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_connection(database: dict) -> tuple[list[str], dict[str, str]]:
    """libpq command-line options and environment for the Django database settings."""
    if not database["ENGINE"].endswith("postgresql"):
        raise BackupError(
            "Backup dan restore hanya untuk PostgreSQL (DATABASE_URL=postgres://...). "
            "Untuk SQLite, hentikan aplikasi lalu salin file basis datanya beserta file "
            '-wal dan -shm di sebelahnya, atau pakai: sqlite3 FILE ".backup SALINAN".'
        )
    args: list[str] = []
    if database.get("HOST"):
        args += ["--host", str(database["HOST"])]
    if database.get("PORT"):
        args += ["--port", str(database["PORT"])]
    if database.get("USER"):
        args += ["--username", str(database["USER"])]
    env = {**os.environ}
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    sslmode = (database.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    # bandit B603: `command` is a fixed pg_dump/pg_restore argument list, never a shell string.
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # nosec B603
    if done.returncode != 0:
        raise BackupError(f"{command[0]} gagal (kode {done.returncode}): {done.stderr.strip()}")


def _tar_directory(source: Path, archive: Path, arcname: str) -> None:
    with tarfile.open(archive, "w:gz") as tar:
        if source.exists():
            tar.add(source, arcname=arcname)


def backup_create(
    *,
    dest_dir: Path,
    keep: int,
    database: dict,
    model_dir: Path,
    media_dir: Path | None = None,
) -> BackupResult:
    """Write one complete backup folder under `dest_dir`, then apply retention."""
    if keep < 1:
        raise BackupError("Jumlah cadangan yang disimpan (keep) minimal 1.")
    args, env = _pg_connection(database)
    dest_dir.mkdir(parents=True, exist_ok=True)
    created = datetime.now(tz=UTC)
    name = f"{PREFIX}{created:%Y%m%dT%H%M%SZ}"
    suffix = 1
    while (dest_dir / name).exists():
        name = f"{PREFIX}{created:%Y%m%dT%H%M%SZ}-{suffix}"
        suffix += 1
    partial = dest_dir / f".{name}.partial"
    partial.mkdir()
    try:
        _run(
            [
                "pg_dump",
                *args,
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--file",
                str(partial / DATABASE_FILE),
                "--dbname",
                str(database["NAME"]),
            ],
            env,
        )
        _tar_directory(model_dir, partial / MODELS_FILE, "models")
        if media_dir is not None and media_dir.exists():
            _tar_directory(media_dir, partial / MEDIA_FILE, "media")
        files = {
            p.name: {"sha256": _sha256(p), "bytes": p.stat().st_size}
            for p in sorted(partial.iterdir())
        }
        manifest = {
            "format": 1,
            "created_at": created.isoformat(timespec="seconds"),
            "database": {"engine": "postgresql", "name": database["NAME"]},
            "model_storage_dir": str(model_dir),
            "media_root": str(media_dir) if media_dir is not None else None,
            "files": files,
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        (partial / SUMS).write_text(
            "".join(f"{info['sha256']}  {fname}\n" for fname, info in files.items())
        )
        final = dest_dir / name
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return BackupResult(path=final, files=files, removed=backup_prune(dest_dir=dest_dir, keep=keep))


def backup_list(*, dest_dir: Path) -> list[Path]:
    """Complete backups in `dest_dir`, oldest first (the names sort by time)."""
    if not dest_dir.exists():
        return []
    return sorted(
        p
        for p in dest_dir.iterdir()
        if p.is_dir() and p.name.startswith(PREFIX) and (p / MANIFEST).exists()
    )


def backup_prune(*, dest_dir: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` complete backups; return what was deleted."""
    backups = backup_list(dest_dir=dest_dir)
    old = backups[:-keep] if keep > 0 else backups
    for path in old:
        shutil.rmtree(path)
    return old


def backup_verify(*, path: Path) -> dict:
    """The manifest of the backup at `path`, after checking every file's sha256 and size."""
    manifest_path = path / MANIFEST
    if not manifest_path.exists():
        raise BackupError(f"{path} bukan folder cadangan (tidak ada {MANIFEST}).")
    manifest = json.loads(manifest_path.read_text())
    problems = []
    for fname, info in manifest["files"].items():
        file = path / fname
        if not file.exists():
            problems.append(f"{fname}: hilang")
        elif file.stat().st_size != info["bytes"] or _sha256(file) != info["sha256"]:
            problems.append(f"{fname}: sha256 tidak cocok")
    if DATABASE_FILE not in manifest["files"]:
        problems.append(f"{DATABASE_FILE}: tidak tercatat")
    if problems:
        raise BackupError("Cadangan rusak, tidak ada yang dipulihkan: " + "; ".join(problems))
    return manifest


def _replace_directory_contents(archive: Path, member_root: str, target: Path) -> None:
    """Make `target` hold exactly what the archive holds under `member_root`.

    Works in place (target may be a mount point, e.g. a Docker volume): the archive is unpacked
    into a hidden folder inside target first, then the old entries go and the new ones move in.
    """
    target.mkdir(parents=True, exist_ok=True)
    staging = target / ".restore-staging"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(staging, filter="data")
        unpacked = staging / member_root
        for entry in target.iterdir():
            if entry == staging:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        if unpacked.exists():
            for entry in unpacked.iterdir():
                entry.rename(target / entry.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def backup_restore(
    *,
    path: Path,
    database: dict,
    model_dir: Path,
    media_dir: Path | None = None,
) -> dict:
    """Restore the database and the model artifacts (and media, when backed up) from `path`.

    Stop the web and worker processes first. The database is restored in one transaction
    (pg_restore --clean --if-exists --single-transaction), so a failure leaves it as it was.
    """
    manifest = backup_verify(path=path)
    args, env = _pg_connection(database)
    _run(
        [
            "pg_restore",
            *args,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            str(database["NAME"]),
            str(path / DATABASE_FILE),
        ],
        env,
    )
    if MODELS_FILE in manifest["files"]:
        _replace_directory_contents(path / MODELS_FILE, "models", model_dir)
    if media_dir is not None and MEDIA_FILE in manifest["files"]:
        _replace_directory_contents(path / MEDIA_FILE, "media", media_dir)
    return manifest
