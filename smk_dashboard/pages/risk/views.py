"""The risk list (/students/risk/): current prediction per student, filters, CSV/XLSX."""

import dataclasses
import hashlib

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from interventions.cases.permissions import can_create_interventions, can_refer_to_bk
from predictions.selectors import active_model_version
from smk_dashboard.core.access import role_required
from smk_dashboard.core.audit import audit_student_list
from smk_dashboard.core.categories import Category
from smk_dashboard.core.fields import FieldGroup, can_see, visible_groups
from smk_dashboard.core.page_cache import (
    fragment_get,
    fragment_key,
    fragment_set,
    render_once,
)
from smk_dashboard.core.roles import RISK_VIEWER_ROLES, SCHOOL_WIDE_ROLES
from students.exports import csv_stream, xlsx_bytes
from students.selectors import class_queryset_for_user

from .selectors import (
    RISK_PAGE_SIZE,
    RiskFilters,
    RiskRow,
    risk_indicator_list,
    risk_queryset,
    student_risk_export_rows,
    student_risk_list,
)

CHANGE_LABELS = {
    "first": gettext_lazy("Prediksi pertama"),
    "new": gettext_lazy("Baru"),
    "worse": gettext_lazy("Memburuk"),
    "better": gettext_lazy("Membaik"),
    "same": gettext_lazy("Tetap"),
}


def export_header(*, counselling: bool = True) -> list[str]:
    header = [
        "NISN",
        _("Nama"),
        _("Rombel"),
        _("Kompetensi keahlian"),
        _("Semester yang diprediksi"),
        _("Kategori prediksi"),
        _("Risiko perlu perhatian"),
        _("Perubahan"),
        _("Faktor utama"),
        _("Intervensi terakhir"),
    ]
    return header if counselling else header[:-1]


def export_row(row: RiskRow, *, counselling: bool = True) -> list:
    p, s = row.prediction, row.prediction.student
    intervention = row.intervention
    values = [
        s.nisn,
        s.name,
        s.school_class.name if s.school_class else "",
        s.major.name if s.major else "",
        p.term.label,
        str(Category(p.category).label),
        p.risk_label,
        str(CHANGE_LABELS[row.change]),
        "; ".join(f["text"] for f in row.top_factors),
        intervention["status_label"] if intervention else "",
    ]
    return values if counselling else values[:-1]


def _indicator_export(request: HttpRequest, filters: RiskFilters, fmt: str) -> HttpResponse:
    """No model yet: the flagged students with the indicators that fired (issue 26), no
    probability column."""
    indicators = risk_indicator_list(user=request.user, filters=filters, limit=None)
    audit_student_list(
        request=request,
        action=f"export.{fmt}",
        student_ids=[row.student.id for row in indicators.rows],
        detail={"page": "students.risk", "indicators": True},
    )
    header = ["NISN", _("Nama"), _("Rombel"), _("Tanda (berdasarkan indikator, belum model)")]
    lines = [
        [
            row.student.nisn,
            row.student.name,
            row.student.school_class.name if row.student.school_class else "",
            "; ".join(f"{flag.label}: {flag.text}" for flag in row.flags),
        ]
        for row in indicators.rows
    ]
    return _export_response(fmt, header, lines)


def _export_response(fmt: str, header: list, lines) -> HttpResponse:
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_stream(header, lines),
            content_type="text/csv; charset=utf-8",
        )
    else:
        response = HttpResponse(
            xlsx_bytes([(_("Daftar perhatian"), header, lines)]),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = content_disposition_header(
        True, f"daftar-perhatian-{stamp}.{fmt}"
    )
    return response


def _export(request: HttpRequest, filters: RiskFilters, fmt: str) -> HttpResponse:
    no_model = active_model_version(school_id=request.user.school_id) is None
    if request.user.school_id and (no_model or request.GET.get("indikator") == "1"):
        return _indicator_export(request, filters, fmt)
    audit_student_list(
        request=request,
        action=f"export.{fmt}",
        student_ids=risk_queryset(user=request.user, filters=filters).values_list(
            "student_id", flat=True
        ),
        detail={"page": "students.risk"},
    )
    rows = student_risk_export_rows(user=request.user, filters=filters)
    counselling = can_see(request.user, FieldGroup.COUNSELLING)
    header = export_header(counselling=counselling)
    lines = (export_row(r, counselling=counselling) for r in rows)
    return _export_response(fmt, header, lines)


# Ids and page numbers beyond a 64-bit database integer cannot name anything; the database
# driver raises OverflowError on them, so they are refused up front.
_MAX_DB_INT = 2**63 - 1


def _refuse_out_of_range_numbers(query) -> None:
    for name in ("class", "major", "page"):
        digits = (query.get(name) or "").strip().lstrip("+-")
        if (
            digits.isascii()
            and digits.isdigit()
            and (len(digits) > 19 or int(digits) > _MAX_DB_INT)
        ):
            raise BadRequest(_("Nilai filter “%(name)s” tidak sah.") % {"name": name})


# A page showing a scoring or training in progress is kept this long only (its progress moves).
BUSY_PAGE_SECONDS = 5


def _page_key(request: HttpRequest, filters: RiskFilters) -> str | None:
    """The cache key of the list below the navigation, or None when it must not be cached.
    A stored list is valid for one data version of the school (page_cache: every write of
    what the list shows replaces it); the key changes with the students the user may see
    (whole school, or these classes, and which of them the user leads), what the role may
    read (field groups, interventions, referral and intervention links), the query string,
    the language and the date (reasons name terms relative to today)."""
    user = request.user
    if settings.RISK_PAGE_CACHE_SECONDS <= 0:
        return None  # caching switched off: every answer renders the list
    if user.is_superuser or user.school_id is None:
        return None  # a superuser sees every school: no one school's version covers it
    homeroom: list[int] = []
    if user.role in SCHOOL_WIDE_ROLES:
        scope = "school"
    else:  # the classes taught or led: one small query
        classes = class_queryset_for_user(user=user).values_list("id", "homeroom_teacher_id")
        scope = sorted(c for c, _t in classes)
        # Interventions and ratings are read for the homeroom class only (`core.fields`).
        homeroom = sorted(c for c, teacher in classes if teacher == user.id)
    parts = {
        "role": user.role,
        "scope": scope,
        "homeroom": homeroom,
        "groups": sorted(visible_groups(user)),
        "interventions": can_create_interventions(user),
        "refer": can_refer_to_bk(user),
        "filters": dataclasses.asdict(filters),
        "query": sorted(request.GET.lists()),
        "language": get_language(),
        "today": timezone.localdate().isoformat(),
        "page_size": RISK_PAGE_SIZE,
    }
    return fragment_key("risk", user.school_id, parts)


def _without(query, name: str) -> str:
    query = query.copy()
    query.pop(name, None)
    return query.urlencode()


def _render_body(request: HttpRequest, filters: RiskFilters) -> tuple[str, list[int], bool]:
    """The list's HTML, the ids of the students it shows, and whether predictions are being
    updated (then it is cached briefly)."""
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    risk = student_risk_list(user=request.user, filters=filters)
    # No trained model yet: the school's plain indicators flag students instead (issue 26);
    # with a model, ?indikator=1 shows them as a comparison (computed only when asked).
    comparison = risk.model_version is not None and request.GET.get("indikator") == "1"
    indicators = (
        risk_indicator_list(user=request.user, filters=filters)
        if risk.model_version is None or comparison
        else None
    )
    context = {
        "indicators": indicators,
        "indicator_comparison": comparison,
        "plain_query": _without(query, "indikator"),
        "risk": risk,
        "query": query.urlencode(),
        "sort_query": sort_query.urlencode(),
        "change_labels": CHANGE_LABELS,
        "categories": Category.choices,
        "can_add_intervention": can_create_interventions(request.user),
        "can_refer": can_refer_to_bk(request.user),
        "show_counselling": can_see(request.user, FieldGroup.COUNSELLING),
    }
    html = render_to_string("students/_risk_list_body.html", context, request)
    ids = [row.prediction.student_id for row in risk.rows]
    ids += [row.student.id for row in indicators.rows] if indicators else []
    return html, ids, bool(risk.status and risk.status.busy)


# Stands for the CSRF token in a whole page kept for one user; each answer gets a fresh token.
CSRF_PLACEHOLDER = "csrf-token-of-this-answer-7d1f3a"


def _user_page_key(request: HttpRequest, key: str) -> str:
    """The key of one user's whole page: the list's key, plus the user and what the
    navigation bar shows of them (a renamed user or school gets a new page)."""
    user = request.user
    shown = f"{user.pk}|{user}|{user.role}|{user.school.name if user.school else ''}"
    return f"{key}:user:{hashlib.sha256(shown.encode('utf-8')).hexdigest()[:16]}"


def _ttl(busy: bool) -> int:
    return BUSY_PAGE_SECONDS if busy else settings.RISK_PAGE_CACHE_SECONDS


def _audit(request: HttpRequest, ids: list[int]) -> None:
    # Every page shown is in the audit trail, cached or not.
    audit_student_list(
        request=request, action="student.list", student_ids=ids, detail={"page": "students.risk"}
    )


def _page(request: HttpRequest, html: str, *, csrf_token: str | None = None) -> str:
    # bandit B308/B703: `html` is the output of our own autoescaped template
    # (students/_risk_list_body.html), rendered here or read back from our page cache.
    context = {"body": mark_safe(html)}  # noqa: S308  # nosec B308 B703
    if csrf_token is not None:
        context["csrf_token"] = csrf_token  # the view's value wins over the context processor
    return render_to_string("students/risk_list.html", context, request)


@require_GET
@role_required(RISK_VIEWER_ROLES)
def risk_list(request: HttpRequest) -> HttpResponse:
    _refuse_out_of_range_numbers(request.GET)
    filters = RiskFilters.from_query(request.GET)
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        return _export(request, filters, fmt)
    key = _page_key(request, filters)
    if key is None:
        html, ids, _busy = _render_body(request, filters)
        _audit(request, ids)
        return HttpResponse(_page(request, html))
    school_id = request.user.school_id
    # 1. This user's whole page (navigation bar, name), unless a message waits to be shown.
    user_key = None if len(messages.get_messages(request)) else _user_page_key(request, key)
    version = None
    if user_key:
        mine = fragment_get(user_key, school_id)
        if mine.value is not None:
            _audit(request, mine.value["student_ids"])
            return HttpResponse(mine.value["html"].replace(CSRF_PLACEHOLDER, get_token(request)))
        version = mine.version
    # 2. The list below the navigation bar, shared by everyone with the same scope.
    found = fragment_get(key, school_id, version=version)
    value = found.value
    if value is None:

        def render_and_store() -> dict:
            html, ids, busy = _render_body(request, filters)
            value = {"html": html, "student_ids": ids, "busy": busy}
            fragment_set(key, value, version=found.version, ttl=_ttl(busy))
            return value

        value = render_once(key, school_id, found.version, render_and_store)
    html, ids, ttl = value["html"], value["student_ids"], _ttl(value["busy"])
    _audit(request, ids)
    if not user_key or found.version is None:
        return HttpResponse(_page(request, html))
    page = _page(request, html, csrf_token=CSRF_PLACEHOLDER)
    value = {"html": page, "student_ids": ids}
    fragment_set(user_key, value, version=found.version, ttl=ttl)
    return HttpResponse(page.replace(CSRF_PLACEHOLDER, get_token(request)))
