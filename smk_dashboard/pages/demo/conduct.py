"""Conduct points and PKL placements of the demo (issue 17), from their own random stream."""

import numpy as np

from interventions.conduct.models import PointEntry
from students.models import PklPlacement

from .terms import FIRST_TERM_YEAR_LAST

# Violations by how often they happen, achievements likewise (names of the standard catalogue).
DEMO_VIOLATIONS = [
    ("Terlambat", 0.55),
    ("Tidak memakai seragam lengkap", 0.2),
    ("Bolos", 0.16),
    ("Merokok di lingkungan sekolah", 0.05),
    ("Berkelahi", 0.04),
]
DEMO_ACHIEVEMENTS = [("Aktif dalam kegiatan sekolah", 0.75), ("Juara lomba", 0.25)]
DEMO_COMPANIES = [
    "PT Telkom Indonesia",
    "PT Astra Honda Motor",
    "Bengkel Maju Jaya",
    "Kantor Akuntan Publik Sejahtera",
    "RSUD Cengkareng",
    "Apotek Kimia Farma",
    "PT Bank Rakyat Indonesia",
    "CV Mitra Jaringan",
]
DEMO_MENTORS = ["Bapak Hendra", "Ibu Sari", "Bapak Yusuf", "Ibu Ratna", "Bapak Agus", "Ibu Dewi"]


class ConductStory:
    """Conduct points and PKL placements of the demo, from their own random stream.

    `effect(latent)` is what this term's conduct and placement do to next term's level.
    """

    CONDUCT_EFFECT = 0.15  # latent units per standard deviation of the conduct state
    PKL_EFFECT = 0.3  # latent units per standard deviation of the placement drift

    def __init__(self, rng, students, behaviours, recorder):
        self.rng, self.students, self.recorder = rng, students, recorder
        self.behaviours = behaviours
        n = len(students)
        self.propensity = rng.normal(0, 0.8, n)
        self.state = self.propensity.copy()
        self.effect_next = np.zeros(n)
        self.points: list = []
        self.placements: list = []

    def term(self, t, term, latent, active, slipping, grade_now, days) -> None:
        """Draw this term's conduct and placements for the active students; remember the
        effect on the next term."""
        rng, n = self.rng, len(self.students)
        self.state = (
            0.5 * self.state
            + 0.5 * (self.propensity + 0.9 * slipping)
            - 0.3 * latent
            + rng.normal(0, 0.6, n)
        )
        centred = self.state - self.state[active].mean() if active.any() else self.state
        violations = np.minimum(rng.poisson(0.3 * np.exp(0.9 * centred)), 10)
        achievements = np.minimum(rng.poisson(0.15 * np.exp(0.5 * latent)), 3)
        v_names, v_p = zip(*DEMO_VIOLATIONS, strict=True)
        a_names, a_p = zip(*DEMO_ACHIEVEMENTS, strict=True)
        # Grade XI's even semester is the placement term; the year's grade is known for 2025.
        grade_then = grade_now - (FIRST_TERM_YEAR_LAST - term.year)
        on_pkl = active & (grade_then == 11) & (term.semester == 2)
        drift = rng.normal(0, 1, n)
        self.effect_next = -self.CONDUCT_EFFECT * centred / max(float(centred[active].std()), 1e-9)
        self.effect_next -= self.PKL_EFFECT * drift * on_pkl
        for i in np.flatnonzero(active):
            for names, probs, count in (
                (v_names, v_p, violations[i]),
                (a_names, a_p, achievements[i]),
            ):
                for _k in range(int(count)):
                    behaviour = self.behaviours[str(rng.choice(names, p=probs))]
                    self.points.append(
                        PointEntry(
                            student=self.students[i],
                            behaviour=behaviour,
                            date=days[int(rng.integers(len(days)))],
                            points=behaviour.points,
                            recorded_by=self.recorder,
                        )
                    )
            if on_pkl[i]:
                total = int(rng.integers(60, 91))
                rate = np.clip(
                    0.95 + 0.02 * latent[i] - 0.07 * drift[i] + rng.normal(0, 0.03), 0.3, 1
                )
                attitude = np.clip(82 + 4 * latent[i] - 5 * drift[i] + rng.normal(0, 4), 40, 100)
                skills = np.clip(80 + 5 * latent[i] - 2.5 * drift[i] + rng.normal(0, 4), 40, 100)
                self.placements.append(
                    PklPlacement(
                        student=self.students[i],
                        term=term,
                        company=str(rng.choice(DEMO_COMPANIES)),
                        mentor=str(rng.choice(DEMO_MENTORS)),
                        days_present=int(round(rate * total)),
                        days_total=total,
                        rating_attitude=round(float(attitude), 1),
                        rating_skills=round(float(skills), 1),
                    )
                )

    def save(self) -> None:
        PointEntry.objects.bulk_create(self.points, batch_size=2000)
        PklPlacement.objects.bulk_create(self.placements, batch_size=2000)
