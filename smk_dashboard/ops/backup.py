"""Backups of one site: the PostgreSQL database and the model artifacts, and their restore.

A backup is one folder `smk-backup-YYYYMMDDTHHMMSSZ/` under BACKUP_DIR holding

    database.dump     pg_dump --format=custom (restore with pg_restore, any table on its own)
    models.tar.gz     the "models" storage (trained models, versioned files with their sha256):
                      MODEL_STORAGE_DIR, or every object of MODEL_STORAGE_BUCKET
    media.tar.gz      the "default" storage (uploaded spreadsheets, error reports): MEDIA_ROOT
                      when it exists, or every object of MEDIA_STORAGE_BUCKET
    manifest.json     when, what from, and the sha256 and size of each file above
    SHA256SUMS        the same hashes for `sha256sum -c SHA256SUMS`

It is written under a hidden `.partial` name and renamed when complete, so a folder with the
backup name is always whole. Retention keeps the newest `keep` complete backups.
Restore checks every sha256 first and changes nothing if one differs.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil

# bandit B404: runs pg_dump / pg_restore with argument lists built here.
import subprocess  # nosec B404
import tarfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import Storage

from smk_dashboard.core.storage import local_folder, storage_walk

# A folder on this host, or a storage whose files are objects elsewhere (S3-compatible).
Source = Path | Storage

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


def _tar_storage(storage: Storage, archive: Path, arcname: str) -> None:
    """Every object of an object storage into the archive, under `arcname/<name>`, as
    `_tar_directory` lays out a folder (so a restore can go to either kind)."""
    with tarfile.open(archive, "w:gz") as tar:
        for name in storage_walk(storage):
            with storage.open(name, "rb") as fh:
                data = fh.read()
            info = tarfile.TarInfo(f"{arcname}/{name}")
            info.size = len(data)
            info.mode = 0o600
            tar.addfile(info, io.BytesIO(data))


def _archive(source: Source, archive: Path, arcname: str) -> None:
    if isinstance(source, Path):
        _tar_directory(source, archive, arcname)
    else:
        _tar_storage(source, archive, arcname)


def backup_source(storage: Storage, folder: Path) -> Source:
    """What to archive for a storage: its folder when it keeps files on this host (as before
    object storage existed), the storage itself when it is a bucket."""
    return folder if local_folder(storage) is not None else storage


def _describe(source: Source | None) -> str | None:
    if source is None or isinstance(source, Path):
        return str(source) if source is not None else None
    location = getattr(source, "location", "")
    return f"s3://{getattr(source, 'bucket_name', '?')}/{location}".rstrip("/")


def backup_create(
    *,
    dest_dir: Path,
    keep: int,
    database: dict,
    model_dir: Source,
    media_dir: Source | None = None,
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
        _archive(model_dir, partial / MODELS_FILE, "models")
        if media_dir is not None and (not isinstance(media_dir, Path) or media_dir.exists()):
            _archive(media_dir, partial / MEDIA_FILE, "media")
        files = {
            p.name: {"sha256": _sha256(p), "bytes": p.stat().st_size}
            for p in sorted(partial.iterdir())
        }
        manifest = {
            "format": 1,
            "created_at": created.isoformat(timespec="seconds"),
            "database": {"engine": "postgresql", "name": database["NAME"]},
            "model_storage_dir": _describe(model_dir),
            "media_root": _describe(media_dir),
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


def _replace_storage_contents(archive: Path, member_root: str, storage: Storage) -> None:
    """Make an object storage hold exactly what the archive holds under `member_root`: the
    archive is read whole first (a broken one changes nothing), then the old objects go and
    the archived ones are written under their own names."""
    prefix = f"{member_root}/"
    files: dict[str, bytes] = {}
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar.getmembers():
            if member.isfile() and member.name.startswith(prefix):
                name = member.name[len(prefix) :]
                if name.startswith("/") or ".." in name.split("/"):
                    raise BackupError(f"Nama berkas tidak aman di arsip: {member.name}")
                files[name] = tar.extractfile(member).read()
    for name in list(storage_walk(storage)):
        storage.delete(name)
    for name, data in sorted(files.items()):
        stored = storage.save(name, ContentFile(data))
        if stored != name:
            raise BackupError(f"{name} dipulihkan sebagai {stored}; penyimpanan tidak kosong.")


def _restore(archive: Path, member_root: str, target: Source) -> None:
    if isinstance(target, Path):
        _replace_directory_contents(archive, member_root, target)
    else:
        _replace_storage_contents(archive, member_root, target)


def backup_restore(
    *,
    path: Path,
    database: dict,
    model_dir: Source,
    media_dir: Source | None = None,
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
        _restore(path / MODELS_FILE, "models", model_dir)
    if media_dir is not None and MEDIA_FILE in manifest["files"]:
        _restore(path / MEDIA_FILE, "media", media_dir)
    return manifest
