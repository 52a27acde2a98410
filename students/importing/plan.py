"""What matching (resolve) and writing share: the plan of what an import must create first,
the row counter, and the registry of writers for kinds whose rows belong to a higher layer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from students.models import ImportBatch, School

FLUSH = 10_000


@dataclass(frozen=True)
class RowWriter:
    """How a kind whose rows belong to a higher layer (interventions' conduct points) is
    checked and written. That layer registers itself in ROW_WRITERS (AppConfig.ready), so
    students never imports it. `resolve(rows, school)` adds row errors; `write(rows, school,
    counter, batch)` writes the valid rows and counts them; `batch` is the ImportBatch being
    written (its `created_by` is the importing user), None in a dry run."""

    resolve: Callable[[list, School], None]
    write: Callable[[list, School, Counter, ImportBatch | None], None]


ROW_WRITERS: dict[str, RowWriter] = {}


@dataclass
class Plan:
    kind: str
    create: bool
    year: int
    new_majors: dict[str, str] = field(default_factory=dict)  # key -> name
    major_meta: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (code, field)
    # key -> (name, major, grade level or None)
    new_classes: dict[str, tuple[str, object, int | None]] = field(default_factory=dict)
    new_subjects: dict[str, str] = field(default_factory=dict)
    unknown: dict[str, set[str]] = field(
        default_factory=lambda: {"classes": set(), "majors": set(), "subjects": set()}
    )
    terms: set[str] = field(default_factory=set)
    # grades: subjects the file holds and subjects the students' majors have (0 = unknown)
    subjects_in_file: int = 0
    subjects_expected: int = 0

    @property
    def partial(self) -> bool:
        """The ledger covers only some subjects: its term is not a finished one."""
        return 0 < self.subjects_in_file < self.subjects_expected

    def unknown_lists(self) -> dict[str, list[str]]:
        return {k: sorted(v) for k, v in self.unknown.items()}


@dataclass
class Counter:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    records: dict = field(default_factory=lambda: {"created": 0, "updated": 0, "unchanged": 0})

    def row(self, new: int, changed: int, had_existing: bool) -> None:
        if changed or (new and had_existing):
            self.updated += 1
        elif new:
            self.created += 1
        else:
            self.unchanged += 1

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "records": self.records,
        }
