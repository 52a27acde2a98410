"""School report (/reports/school/) and district report (/reports/district/)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from interventions.cases.comparison import matched_comparison
from interventions.cases.reports import effectiveness_report
from predictions.charts import category_stack_figure, heatmap_figure
from predictions.quality import model_page_school
from predictions.selectors import prediction_status
from smk_dashboard.core.access import role_required
from smk_dashboard.core.audit import audit_log
from smk_dashboard.core.formats import term_label
from smk_dashboard.core.roles import DISTRICT_REPORT_ROLES, SCHOOL_REPORT_ROLES
from students.exports import xlsx_bytes
from students.models import Student, StudentStatus
from students.selectors import school_queryset_for_user

from .meeting import school_meeting_summary
from .pdf import (
    district_report_pdf,
    district_report_tables,
    report_tables,
    school_report_pdf,
)
from .selectors import district_report, school_report
from .sheets import named_sheets


def _attendance_heatmap(rows: list[dict], *, key: str = "alpa_rate") -> dict:
    groups = sorted({r["group"] for r in rows})
    terms = sorted({r["term"] for r in rows})
    cell = {(r["group"], r["term"]): r[key] for r in rows}
    z = [[v if isinstance(v := cell.get((g, t)), float) else None for t in terms] for g in groups]
    return heatmap_figure(z, x=[term_label(t) for t in terms], y=groups)


@require_GET
@role_required(SCHOOL_REPORT_ROLES)
def school_report_view(request: HttpRequest) -> HttpResponse:
    school = model_page_school(user=request.user, school_id=None)
    report = school_report(school=school) if school else None
    fmt = request.GET.get("export")
    if report and fmt in ("pdf", "xlsx"):
        audit_log(
            action=f"export.{fmt}",
            request=request,
            school=school,
            detail={"page": "reports.school"},
        )
        if fmt == "pdf":
            summary = school_meeting_summary(
                school=school,
                report=report,
                effectiveness=effectiveness_report(school=school),
                comparison=matched_comparison(school=school),
            )
            body = school_report_pdf(report, generated=timezone.localtime(), summary=summary)
            content_type = "application/pdf"
        else:
            body = xlsx_bytes(named_sheets(report_tables(report)))
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(body, content_type=content_type)
        name = f"laporan-sekolah-{school.npsn}-{timezone.localdate().isoformat()}.{fmt}"
        response["Content-Disposition"] = content_disposition_header(True, name)
        return response
    figures = {}
    if report:
        figures = {
            "fig-grade": category_stack_figure(report["by_grade_level"], key="group"),
            "fig-major": category_stack_figure(report["by_major"], key="group"),
            "fig-class": category_stack_figure(report["by_class"], key="group"),
            "fig-trend": category_stack_figure(report["trend"], key="term"),
            "fig-observed": category_stack_figure(report["observed_trend"], key="term"),
            "fig-attendance": _attendance_heatmap(report["attendance"]),
        }
    # The BK effectiveness section (issue 6) is the same one /interventions/effectiveness/ shows.
    effectiveness = effectiveness_report(school=school) if school else None
    comparison = matched_comparison(school=school) if school else None
    status = None
    if school:
        students = Student.objects.filter(school=school, status=StudentStatus.AKTIF)
        status = prediction_status(school_id=school.pk, students=students)
    return render(
        request,
        "predictions/report_school.html",
        {
            "school": school,
            "report": report,
            "figures": figures,
            "effectiveness": effectiveness,
            "comparison": comparison,
            "status": status,
        },
    )


@require_GET
@role_required(DISTRICT_REPORT_ROLES)
def district_report_view(request: HttpRequest) -> HttpResponse:
    schools = school_queryset_for_user(user=request.user).order_by("name")
    report = district_report(schools=schools)
    fmt = request.GET.get("export")
    if fmt in ("pdf", "xlsx"):
        audit_log(
            action=f"export.{fmt}",
            request=request,
            detail={"page": "reports.district", "schools": len(report["schools"])},
        )
        district = request.user.district
        if fmt == "pdf":
            body = district_report_pdf(report, district=district, generated=timezone.localtime())
            content_type = "application/pdf"
        else:
            body = xlsx_bytes(named_sheets(district_report_tables(report)))
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(body, content_type=content_type)
        name = f"laporan-wilayah-{timezone.localdate().isoformat()}.{fmt}"
        response["Content-Disposition"] = content_disposition_header(True, name)
        return response
    audit_log(
        action="report.district.view", request=request, detail={"schools": len(report["schools"])}
    )
    figures = {"fig-attendance": _attendance_heatmap(report["attendance"])}
    # Which term each school's predictions are for, from which data and when (no names).
    statuses = [
        (
            school.name,
            prediction_status(
                school_id=school.pk,
                students=Student.objects.filter(school=school, status=StudentStatus.AKTIF),
            ),
        )
        for school in report["schools"]
    ]
    return render(
        request,
        "predictions/report_district.html",
        {
            "report": report,
            "figures": figures,
            "district": request.user.district,
            "statuses": statuses,
        },
    )
