"""Writes for the programme catalogue: the BK services a school offers (bk and operator)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from smk_dashboard.core.audit import audit_log
from students.models import School, User

from . import permissions
from .models import Programme, Tier

DEFAULT_PROGRAMMES = [
    ("Konseling individual", Tier.TARGETED),
    ("Konseling kelompok", Tier.TARGETED),
    ("Bimbingan belajar / remedial", Tier.UNIVERSAL),
    ("Kunjungan rumah", Tier.INTENSIVE),
    ("Pertemuan orang tua", Tier.TARGETED),
    ("Layanan rujukan", Tier.INTENSIVE),
    ("Mentoring sebaya", Tier.UNIVERSAL),
]


def programme_catalogue_seed(*, school: School) -> list[Programme]:
    """Give a school the common BK services; existing ones are left as they are."""
    return [
        Programme.objects.get_or_create(school=school, name=name, defaults={"tier": tier})[0]
        for name, tier in DEFAULT_PROGRAMMES
    ]


def _clean_programme(*, name: str, tier: int) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Nama layanan wajib diisi."))
    if tier not in Tier.values:
        raise ValidationError(_("Pilih tingkat layanan: 1 universal, 2 terarah atau 3 intensif."))
    return name


def programme_create(
    *, user: User, name: str, tier: int, description: str = "", active: bool = True
) -> Programme:
    """Add a service to the catalogue of the user's school (bk and operator)."""
    if not permissions.can_edit_catalogue(user):
        raise ValidationError(_("Hanya guru BK dan operator yang dapat mengubah katalog layanan."))
    name = _clean_programme(name=name, tier=tier)
    try:
        with transaction.atomic():
            programme = Programme.objects.create(
                school_id=user.school_id,
                name=name,
                tier=tier,
                description=description,
                active=active,
            )
    except IntegrityError:
        raise ValidationError(_("Layanan dengan nama itu sudah ada di sekolah ini."))
    audit_log(action="programme.create", user=user, target=programme, school=programme.school)
    return programme


def programme_update(
    *, programme: Programme, user: User, name: str, tier: int, description: str, active: bool
) -> Programme:
    if not permissions.can_edit_catalogue(user) or programme.school_id != user.school_id:
        raise ValidationError(_("Hanya guru BK dan operator yang dapat mengubah katalog layanan."))
    name = _clean_programme(name=name, tier=tier)
    if Programme.objects.filter(school_id=programme.school_id, name=name).exclude(pk=programme.pk):
        raise ValidationError(_("Layanan dengan nama itu sudah ada di sekolah ini."))
    programme.name, programme.tier = name, tier
    programme.description, programme.active = description, active
    programme.save()
    audit_log(action="programme.update", user=user, target=programme, school=programme.school)
    return programme
