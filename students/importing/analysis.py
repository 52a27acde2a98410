"""Analysing a file: parse it and match every row against the database (reads only)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from smk_dashboard.core.fields import SOCIO_ECONOMIC_FIELDS, FieldGroup, can_see
from students.importers import FileRejected, ParseResult, parse_file
from students.importers.identity import IDENTITY_ACCEPT, IDENTITY_CHOICES
from students.importers.matching import SchoolIndex, Scope
from students.models import School, User

from .plan import Plan
from .resolve import resolve


@dataclass
class Analysis:
    result: ParseResult
    index: SchoolIndex
    scope: Scope
    plan: Plan


# Roster columns of the socio-economic field group (`core.fields`), as the reader names them.
SOCIO_ECONOMIC_COLUMNS = frozenset({*SOCIO_ECONOMIC_FIELDS, "mother_income", "guardian_income"})


def hidden_import_fields(user: User | None) -> frozenset[str]:
    """Fields an import by `user` may not write because the user may not read them (a
    walikelas or guru: the socio-economic ones). None: the command line, run by the server's
    administrator."""
    if user is None or can_see(user, FieldGroup.SOCIO_ECONOMIC):
        return frozenset()
    return SOCIO_ECONOMIC_COLUMNS


def import_analyse(
    *,
    school: School,
    kind: str,
    path: Path,
    fmt: str,
    user: User | None = None,
    term_code: str | None = None,
    mapping: dict | None = None,
    create_missing: bool = False,
    progress=None,
) -> Analysis:
    """Parse a file and match every row against the database (reads only). Raises
    FileRejected when the whole file is unusable; row errors stay on the rows."""
    result = parse_file(
        path,
        fmt,
        kind,
        term_code=term_code,
        mapping=mapping,
        max_rows=settings.IMPORT_MAX_ROWS,
        progress=progress,
        hidden_fields=hidden_import_fields(user),
    )
    if result.npsn and result.npsn != school.npsn:
        raise FileRejected(
            _("File ini milik sekolah dengan NPSN %(n)s, bukan sekolah Anda (%(s)s).")
            % {"n": result.npsn, "s": school.npsn},
            code="other_school",
        )
    year = int(result.term_code[:4]) if result.term_code else None
    index = SchoolIndex.load(school, year=year)
    scope = Scope.for_user(user, school)
    mapping = mapping or {}
    plan = resolve(
        result,
        index,
        scope,
        create_missing=create_missing,
        choices=mapping.get(IDENTITY_CHOICES) or {},
        accept_identity_changes=bool(mapping.get(IDENTITY_ACCEPT)),
    )
    return Analysis(result=result, index=index, scope=scope, plan=plan)
