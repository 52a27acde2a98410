"""The command-line import (`manage.py import_spreadsheet`), in-process: the same batch
lifecycle as the web upload, or a dry run whose writes are rolled back."""

from __future__ import annotations

from pathlib import Path

from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from smk_dashboard.core.audit import audit_log
from students.importers import FileRejected, sniff_format
from students.importers.identity import IDENTITY_ACCEPT
from students.importers.parsing import SHEET_CHOICE
from students.importers.preview import no_data_preview
from students.importers.sniff import check_file_size
from students.models import ImportStatus, School

from .analysis import import_analyse
from .identity_report import identity_preview, summary_lists
from .lifecycle import DAPODIK_SOURCE, import_batch_create, import_batch_process
from .report import flat_errors, import_summary
from .write import write


def import_file_run(
    *,
    school: School,
    kind: str,
    path: Path,
    term_code: str = "",
    create_missing: bool = False,
    valid_rows_only: bool = False,
    dry_run: bool = False,
    sheet: str = "",
    accept_identity_changes: bool = False,
    source: str = "cli",
) -> dict:
    """The command-line entry point, in-process. Returns the JSON summary; `ok` is False when
    the file is rejected (nothing written). A dry run writes nothing at all: it runs the
    same write in a transaction that is rolled back, so the counts are the real ones."""
    mapping = {SHEET_CHOICE: sheet} if sheet else {}  # --sheet: as choosing it in the preview
    if accept_identity_changes:  # as ticking the name / NISN changes in the confirm form
        mapping[IDENTITY_ACCEPT] = True
    if dry_run:
        complete = source == DAPODIK_SOURCE
        return _dry_run(
            school, kind, path, term_code, create_missing, valid_rows_only, mapping, complete
        )
    with path.open("rb") as fh:
        batch = import_batch_create(
            school=school,
            kind=kind,
            file=File(fh, name=path.name),
            file_name=path.name,
            term_code=term_code,
            create_missing=create_missing,
            valid_rows_only=valid_rows_only,
            source=source,
            preview=False,  # the file is analysed once, by the processing below
        )
    batch.status, batch.mapping = ImportStatus.QUEUED, mapping
    batch.save(update_fields=["status", "mapping"])
    audit_log(action="import.confirm", target=batch, school=school, detail={source: True})
    batch = import_batch_process(batch_id=batch.pk)
    summary = import_summary(batch=batch)
    summary["ok"] = batch.status == ImportStatus.DONE
    if not summary["ok"] and not summary["errors"] and batch.message:
        summary["errors"] = [batch.message]  # the file itself was refused
    return summary


def _dry_run(
    school, kind, path, term_code, create_missing, valid_rows_only, mapping, complete=False
) -> dict:
    summary = {"dry_run": True, "kind": kind, "file": path.name, "term": term_code}
    summary |= {"rows": 0, "created": 0, "updated": 0, "unchanged": 0, "rejected": 0}
    try:
        check_file_size(path.stat().st_size)
        analysis = import_analyse(
            school=school,
            kind=kind,
            path=path,
            fmt=sniff_format(path),
            term_code=term_code or None,
            mapping=mapping,
            create_missing=create_missing,
        )
    except FileRejected as exc:
        return summary | {"ok": False, "message": " ".join(exc.messages), "errors": exc.messages}
    rejected = analysis.result.rejected
    errors = [{"sheet": r.sheet, "row": r.number, "errors": r.errors} for r in rejected]
    summary |= {"rows": len(analysis.result.rows), "rejected": len(rejected)}
    summary |= {
        "term": term_code or analysis.result.term_code or "",
        "errors": flat_errors(errors),
        "no_data": no_data_preview(analysis.result),
    }
    identity = identity_preview(analysis.result)
    summary |= {
        "conflicts_count": identity["conflicts_total"],
        "incomplete_count": identity.get("incomplete_total", 0),
        "former_skipped": identity["former"]["count"],
        "repeats": identity["repeats"],
        "identity_changes_held": identity.get("held", 0),
    } | summary_lists(identity)
    if rejected and not valid_rows_only:
        message = _("%(n)s baris bermasalah; tidak ada data yang disimpan.") % {"n": len(rejected)}
        return summary | {"ok": False, "message": message}
    with transaction.atomic():
        counts = write(analysis, school=school, complete_roster=complete)
        transaction.set_rollback(True)
    counts.pop("term", None)
    if "left" in counts:
        counts["left_count"] = len(counts["left"])
    return summary | counts | {"ok": True, "message": ""}
