"""Every write of the Dapodik route: saving the connection, a pull that becomes a roster
preview (web), and a sync that runs the pull through the import in-process (command line and
the nightly task). The pull never writes students itself: it hands a roster file to the
import pipeline (students/importing/), so identity rules, conflicts held back and the
all-or-nothing write are the roster upload's own."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from smk_dashboard.core.audit import audit_log
from students.importing.command import import_file_run
from students.importing.lifecycle import DAPODIK_SOURCE, import_batch_create
from students.models import DapodikConnection, ImportBatch, ImportKind, Role, School, User

from .client import DapodikClient, DapodikData, DapodikError
from .roster import roster_csv


def _require_operator(user: User | None, school: School) -> None:
    if user is None:
        return
    if not (user.is_superuser or (user.role == Role.OPERATOR and user.school_id == school.id)):
        raise PermissionDenied(_("Hanya operator sekolah yang mengatur koneksi Dapodik."))


def dapodik_connection_save(
    *,
    school: School,
    user: User | None,
    url: str,
    npsn: str,
    token: str = "",
    include_parents: bool = False,
    nightly: bool = True,
    request=None,
) -> DapodikConnection:
    """Create or update the school's connection. A blank `token` keeps the stored key (the
    form never shows it back). The key is encrypted at rest (EncryptedTextField)."""
    _require_operator(user, school)
    connection = DapodikConnection.objects.filter(school=school).first()
    if connection is None:
        if not token:
            raise ValidationError(_("Isi kunci web service dari Dapodik."))
        connection = DapodikConnection(school=school)
    connection.url, connection.npsn = url.strip(), npsn.strip()
    if token:
        connection.token = token.strip()
    connection.include_parents, connection.nightly = include_parents, nightly
    connection.full_clean()
    connection.save()
    audit_log(
        action="dapodik.settings",
        user=user,
        request=request,
        target=connection,
        school=school,
        detail={
            "url": connection.url,
            "npsn": connection.npsn,
            "token_changed": bool(token),
            "include_parents": include_parents,
            "nightly": nightly,
        },
    )
    return connection


def _pull(*, school: School, url: str, npsn: str, token: str, include_parents: bool) -> bytes:
    data: DapodikData = DapodikClient(url=url, npsn=npsn, token=token).pull()
    sent = str(data.school.get("npsn") or npsn).strip()
    if sent != school.npsn:
        raise DapodikError(
            _("Dapodik menjawab untuk NPSN %(got)s, bukan sekolah ini (%(npsn)s).")
            % {"got": sent, "npsn": school.npsn}
        )
    if not data.students:
        raise DapodikError(
            _("Dapodik tidak mengirim satu pun peserta didik; tidak ada data yang diubah.")
        )
    return roster_csv(data, include_parents=include_parents)


def _file_name(school: School) -> str:
    return f"dapodik-{school.npsn}-{timezone.localtime():%Y%m%d-%H%M}.csv"


def dapodik_pull_preview(*, school: School, user: User, request=None) -> ImportBatch:
    """ "Tarik dari Dapodik": pull with the stored connection and open the roster preview
    (an ImportBatch from source `dapodik`, unknown rombel and majors created on confirm), to
    be confirmed like an upload. Raises ValidationError when the service refuses or fails."""
    _require_operator(user, school)
    connection = DapodikConnection.objects.filter(school=school).first()
    if connection is None:
        raise ValidationError(_("Isi dulu alamat, NPSN dan kunci web service Dapodik."))
    try:
        content = _pull(
            school=school,
            url=connection.url,
            npsn=connection.npsn,
            token=connection.token,
            include_parents=connection.include_parents,
        )
    except DapodikError as exc:
        _record(connection, ok=False, message=str(exc), summary={})
        audit_log(
            action="dapodik.pull_failed",
            user=user,
            request=request,
            target=connection,
            school=school,
            detail={"message": str(exc)[:300]},
        )
        raise ValidationError(str(exc)) from exc
    name = _file_name(school)
    batch = import_batch_create(
        school=school,
        kind=ImportKind.ROSTER,
        file=ContentFile(content, name=name),
        file_name=name,
        user=user,
        create_missing=True,
        source=DAPODIK_SOURCE,
        request=request,
    )
    _record(connection, ok=True, message="", summary={"batch": batch.pk, "preview": True})
    return batch


def dapodik_sync_run(
    *,
    school: School,
    url: str = "",
    token: str = "",
    dry_run: bool = False,
) -> dict:
    """Pull and import in this process (`manage.py dapodik_sync`, the nightly task): the same
    JSON summary as `import_spreadsheet`, plus `left` / `left_count` (active students Dapodik
    no longer lists, marked `keluar`). `ok` is False with a `message` when the service
    refuses, cannot be reached or answers half; nothing is written then. `url` / `token`
    override the stored connection."""
    connection = DapodikConnection.objects.filter(school=school).first()
    url = url or (connection.url if connection else "")
    token = token or (connection.token if connection else "")
    npsn = connection.npsn if connection else school.npsn
    if not url or not token:
        message = _("Alamat atau kunci web service Dapodik belum diisi untuk sekolah ini.")
        return {"ok": False, "message": message, "errors": [message]}
    include_parents = bool(connection and connection.include_parents)
    try:
        content = _pull(
            school=school, url=url, npsn=npsn, token=token, include_parents=include_parents
        )
    except DapodikError as exc:
        summary = {"ok": False, "message": str(exc), "errors": [str(exc)]}
    else:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / _file_name(school)
            path.write_bytes(content)
            summary = import_file_run(
                school=school,
                kind=ImportKind.ROSTER,
                path=path,
                create_missing=True,
                dry_run=dry_run,
                source=DAPODIK_SOURCE,
            )
    if connection is not None and not dry_run:
        _record(connection, ok=summary["ok"], message=summary.get("message", ""), summary=summary)
    audit_log(
        action="dapodik.sync",
        target=connection,
        school=school,
        detail={
            "ok": summary["ok"],
            "dry_run": dry_run,
            **{k: summary.get(k, 0) for k in ("rows", "created", "updated", "left_count")},
        },
    )
    return summary


def _record(connection: DapodikConnection, *, ok: bool, message: str, summary: dict) -> None:
    connection.last_sync_at = timezone.now()
    connection.last_ok, connection.last_message = ok, message[:2000]
    keep = ("ok", "batch", "preview", "rows", "created", "updated", "unchanged", "rejected")
    connection.last_summary = {k: summary[k] for k in keep if k in summary} | {
        "left": summary.get("left", [])[:200],
        "left_count": summary.get("left_count", 0),
    }
    connection.save(
        update_fields=["last_sync_at", "last_ok", "last_message", "last_summary", "updated_at"]
    )


def dapodik_sync_nightly() -> dict[str, bool]:
    """Sync every school whose connection asks for it; one school's failure is recorded on
    its connection and does not stop the others. Returns {npsn: ok}."""
    out = {}
    for connection in DapodikConnection.objects.filter(nightly=True).select_related("school"):
        out[connection.school.npsn] = dapodik_sync_run(school=connection.school)["ok"]
    return out
