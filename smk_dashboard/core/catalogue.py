"""The catalogue names that ship with the app (BK services, behaviours of the conduct
catalogue, point thresholds' actions), translated when shown: the rows are seeded in
Indonesian and stored as typed, so the English switch maps the shipped names at display time
(`shipped_label`, the `catalogue` template filter in core.formats). A name a school typed
itself is shown exactly as typed, in every language."""

from __future__ import annotations

from django.utils.translation import gettext_noop, pgettext

SHIPPED_NAMES = frozenset(
    {
        # BK services (interventions.cases.programmes.DEFAULT_PROGRAMMES)
        gettext_noop("Konseling individual"),
        gettext_noop("Konseling kelompok"),
        gettext_noop("Bimbingan belajar / remedial"),
        gettext_noop("Kunjungan rumah"),
        gettext_noop("Pertemuan orang tua"),
        gettext_noop("Layanan rujukan"),
        gettext_noop("Mentoring sebaya"),
        # behaviours (interventions.conduct.services.DEFAULT_BEHAVIOURS)
        gettext_noop("Terlambat"),
        gettext_noop("Tidak memakai seragam lengkap"),
        gettext_noop("Bolos"),
        gettext_noop("Merokok di lingkungan sekolah"),
        gettext_noop("Berkelahi"),
        gettext_noop("Juara lomba"),
        gettext_noop("Aktif dalam kegiatan sekolah"),
        # thresholds' actions (interventions.conduct.services.DEFAULT_THRESHOLDS)
        gettext_noop("Panggilan orang tua"),
        gettext_noop("Konferensi kasus"),
    }
)


def shipped_label(name: str | None) -> str:
    """`name` in the reader's language when it is a shipped catalogue name, else as typed."""
    text = "" if name is None else str(name)
    # context "catalogue": "Terlambat" is a late student here, an overdue session elsewhere
    return pgettext("catalogue", text) if text in SHIPPED_NAMES else text
