"""What a batch tells people: the preview recorded from an analysis (columns, sample, row
errors, the stored error report) and the summary of a finished import."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from students.importers.preview import no_data_preview, sheets_preview
from students.importers.report import error_report_xlsx
from students.importers.values import clean_text
from students.models import ImportBatch

from .analysis import Analysis
from .identity_report import identity_preview, summary_lists

MAX_STORED_ERRORS = 1000
SAMPLE_ROWS = 10


def record_analysis(batch: ImportBatch, analysis: Analysis) -> None:
    result = analysis.result
    rejected = result.rejected
    old_report = batch.preview.get("error_report") if batch.preview else None
    batch.rows, batch.rejected = len(result.rows), len(rejected)
    batch.errors = [
        {"sheet": r.sheet, "row": r.number, "errors": r.errors}
        for r in rejected[:MAX_STORED_ERRORS]
    ]
    first = result.tables[0]
    sheet = next(s for s in result.sheets if s.name == first.sheet)
    sample_rows = [r.raw for r in result.rows[:SAMPLE_ROWS]]
    batch.preview = {
        "layout": result.layout,
        "term_code": result.term_code or "",
        "warnings": result.warnings,
        "errors_total": len(rejected),
        "unknown": analysis.plan.unknown_lists(),
        "skipped_sheets": [{"sheet": n, "why": str(w)} for n, w in result.skipped],
        "all_sheets": [s.name for s in result.sheets],
        "ignored_columns": [{"header": h, "why": str(w)} for h, w in result.ignored],
        "coverage": {
            "subjects": analysis.plan.subjects_in_file,
            "expected": analysis.plan.subjects_expected,
            "partial": analysis.plan.partial,
        },
        "sheets": sheets_preview(result),
        "no_data": no_data_preview(result),
        "identity": identity_preview(result),
        "sample_header": [clean_text(v) for v in sheet.rows[first.header_rows[-1]]][:40],
        "sample": [[clean_text(v) for v in row][:40] for row in sample_rows],
    }
    if result.term_code:
        batch.term_code = batch.term_code or result.term_code
    if old_report:
        default_storage.delete(old_report)
    if rejected:
        # Built here, in the worker, so the download never parses the file in a web request.
        name = f"imports/{batch.school.npsn}/reports/{batch.pk}-{batch.sha256[:16]}.xlsx"
        batch.preview["error_report"] = default_storage.save(
            name, ContentFile(error_report_xlsx(result))
        )


def import_error_report(*, batch: ImportBatch) -> bytes | None:
    """The stored error report of a batch (xlsx bytes), or None when it has none."""
    name = batch.preview.get("error_report") if batch.preview else None
    if not name or not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as fh:
        return fh.read()


def import_summary(*, batch: ImportBatch, with_errors: bool = True) -> dict:
    summary = {
        "batch": batch.pk,
        "status": batch.status,
        "kind": batch.kind,
        "file": batch.file_name,
        "sha256": batch.sha256,
        "term": batch.term_code,
        "rows": batch.rows,
        "created": batch.created,
        "updated": batch.updated,
        "unchanged": batch.unchanged,
        "rejected": batch.rejected,
        "records": batch.preview.get("records", {}),
        "message": batch.message,
    }
    identity = batch.preview.get("identity") or {}
    summary["conflicts_count"] = identity.get("conflicts_total", 0)
    summary["incomplete_count"] = identity.get("incomplete_total", 0)
    summary["former_skipped"] = (identity.get("former") or {}).get("count", 0)
    summary["repeats"] = identity.get("repeats", 0)
    summary["identity_changes_held"] = identity.get("held", 0)
    if "left" in batch.preview:  # a Dapodik pull: active students it no longer lists
        summary["left_count"] = len(batch.preview["left"])
        summary["returned"] = batch.preview.get("returned", 0)
    if with_errors:  # these name students: kept out of the audit log's detail
        if "left" in batch.preview:
            summary["left"] = batch.preview["left"]
        summary["errors"] = flat_errors(batch.errors)
        summary["no_data"] = batch.preview.get("no_data", [])  # blank sheets, months: skipped
        summary |= summary_lists(identity)
    return summary


def flat_errors(errors: Iterable[dict]) -> list[str]:
    return [
        _("Lembar %(s)s baris %(r)s: %(e)s") % {"s": e["sheet"], "r": e["row"], "e": m}
        for e in errors
        for m in e["errors"]
    ]
