"""Every output that can show a student of the world, fetched as one user and read back as
plain text: HTML pages, CSV, XLSX, PDF (text extracted with pypdf), JSON."""

from __future__ import annotations

import io
import re

import openpyxl
from django.test import Client
from pypdf import PdfReader

from .world import World


def output_paths(world: World) -> list[str]:
    s, t, ids = world.student.pk, world.other.pk, world.ids
    return [
        # pages
        "/",
        "/students/risk/",
        f"/students/{s}/",
        f"/students/{t}/",
        "/interventions/",
        "/interventions/caseload/",
        f"/interventions/{ids['intervention']}/",
        f"/interventions/{ids['other_intervention']}/",
        f"/interventions/new/?student={s}&prediction={ids['prediction']}",
        f"/interventions/new/?student={t}",
        f"/privacy/students/{s}/",
        "/privacy/requests/",
        "/reports/school/",
        # exports and PDFs
        "/students/risk/?export=csv",
        "/students/risk/?export=xlsx",
        "/reports/school/?export=pdf",
        "/reports/school/?export=xlsx",
        f"/students/{s}/summary.pdf",
        f"/students/{t}/summary.pdf",
        f"/interventions/letters/{ids['letter']}.pdf",
        f"/privacy/students/{s}/export.json",
        f"/privacy/students/{s}/export.pdf",
        "/privacy/research-export/",
        # API
        "/api/v1/students/",
        f"/api/v1/students/{s}/",
        f"/api/v1/students/{s}/predictions/",
        f"/api/v1/students/{t}/predictions/",
        f"/api/v1/classes/{world.class_a.pk}/predictions/",
        f"/api/v1/classes/{world.class_b.pk}/predictions/",
        "/api/v1/interventions/",
        f"/api/v1/interventions/{ids['intervention']}/",
        f"/api/v1/interventions/{ids['other_intervention']}/",
        f"/api/v1/interventions/{ids['intervention']}/sessions/",
        f"/api/v1/interventions/{ids['intervention']}/sessions/{ids['visit']}/",
        # the admin (the operator is staff)
        "/admin/students/student/",
        f"/admin/students/student/{s}/change/",
        "/admin/interventions/intervention/",
        f"/admin/interventions/intervention/{ids['intervention']}/change/",
        "/admin/interventions/interventionsession/",
        f"/admin/interventions/interventionsession/{ids['visit']}/change/",
        f"/admin/predictions/prediction/{ids['prediction']}/change/",
    ]


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


def xlsx_text(content: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return " ".join(
        str(c) for ws in book for row in ws.iter_rows(values_only=True) for c in row if c
    )


def as_text(response) -> str:
    """The text a reader of the answer sees, whitespace collapsed (a PDF or a page may wrap
    a value over two lines)."""
    body = b"".join(response.streaming_content) if response.streaming else response.content or b""
    kind = response.get("Content-Type", "")
    if kind.startswith("application/pdf"):
        text = pdf_text(body)
    elif "spreadsheetml" in kind:
        text = xlsx_text(body)
    else:
        text = body.decode("utf-8-sig", errors="replace")
    return re.sub(r"\s+", " ", text)


def read_everything(user, world: World) -> dict[str, tuple[int, str]]:
    """path -> (status, text) for every output, as `user`."""
    client = Client()
    client.force_login(user)
    out = {}
    for path in output_paths(world):
        response = client.get(path)
        out[path] = (response.status_code, as_text(response))
    return out
