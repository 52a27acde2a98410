"""School data: schools, majors, classes (rombel), students, grades, attendance, ratings,
and the staff users with their roles. Several schools share one database from day one.

Models live in topic modules: `school` (school, staff users, majors, terms, classes),
`student`, `records` (subjects, grades, attendance, term status, ratings, PKL), `imports`
(ImportBatch) and `privacy`. Every one is imported here, so Django registers them under the
app label `students` (same tables), and `from students.models import X` keeps working.
"""

from smk_dashboard.core.roles import Role

from .dapodik import DapodikConnection
from .imports import ImportBatch, ImportKind, ImportStatus, import_upload_path
from .indicators import IndicatorSettings
from .privacy import ConsentStatus, DataSubjectRequest, StudentPrivacy
from .records import (
    AttendanceRecord,
    AttendanceStatus,
    AttendanceSummary,
    GradeComponent,
    GradeRecord,
    NonAcademicRating,
    PklPlacement,
    SchoolTermStatus,
    Subject,
    SubjectGroup,
    TeachingAssignment,
)
from .school import (
    AcademicTerm,
    GradeLevel,
    Major,
    MajorField,
    School,
    SchoolClass,
    User,
    term_label,
)
from .student import Education, Gender, IncomeBracket, Student, StudentStatus

__all__ = [
    "AcademicTerm",
    "AttendanceRecord",
    "AttendanceStatus",
    "AttendanceSummary",
    "ConsentStatus",
    "DapodikConnection",
    "Education",
    "Gender",
    "GradeComponent",
    "GradeLevel",
    "GradeRecord",
    "ImportBatch",
    "ImportKind",
    "ImportStatus",
    "IndicatorSettings",
    "IncomeBracket",
    "Major",
    "MajorField",
    "NonAcademicRating",
    "PklPlacement",
    "Role",
    "School",
    "SchoolClass",
    "SchoolTermStatus",
    "Student",
    "StudentPrivacy",
    "DataSubjectRequest",
    "StudentStatus",
    "Subject",
    "SubjectGroup",
    "TeachingAssignment",
    "User",
    "import_upload_path",
    "term_label",
]
