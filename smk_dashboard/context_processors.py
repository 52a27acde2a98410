from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from smk_dashboard.core.notifications import unread_count

# (url name, label, roles). Entries whose page is not installed yet are skipped.
NAVIGATION = [
    ("home", _("Beranda"), None),
    ("students:risk", _("Daftar perhatian"), {"guru", "walikelas", "bk", "kepsek"}),
    ("students:imports", _("Impor data"), {"operator", "walikelas", "guru"}),
    ("interventions:list", _("Intervensi"), {"bk", "walikelas", "kepsek"}),
    ("predictions:models", _("Kualitas model"), {"kepsek", "bk", "operator"}),
    ("predictions:training", _("Pelatihan model"), {"operator"}),
    ("reports:school", _("Laporan sekolah"), {"kepsek", "operator"}),
    ("reports:district", _("Laporan wilayah"), {"sudin"}),
    ("privacy:index", _("Hak subjek data"), {"operator", "kepsek"}),
    ("audit:list", _("Log audit"), {"kepsek", "operator"}),
]


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for name, label, roles in NAVIGATION:
        if roles is not None and user.role not in roles and not user.is_superuser:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "active": request.path == url})
    return {"nav_items": items, "unread_notifications": unread_count(user=user)}
