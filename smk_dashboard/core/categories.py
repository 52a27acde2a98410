"""The three predicted categories, their order and the words people read for them; the risk
bands that say in words how likely a student ends in "perlu perhatian"."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    KURANG = "kurang", _("Perlu perhatian")
    SEDANG = "sedang", _("Sedang")
    BAIK = "baik", _("Baik")


# In the order of the models' probability columns and every confusion matrix.
LABELS: tuple[str, ...] = (Category.KURANG, Category.SEDANG, Category.BAIK)
# kurang < sedang < baik: a lower rank is a worse outlook (for "Memburuk" / "Membaik").
CATEGORY_RANK = {label: rank for rank, label in enumerate(LABELS)}


def category_label(value: str) -> str:
    """The display word of a category value ("kurang" → "Perlu perhatian"), in the active
    language; an unknown value is shown as it is."""
    try:
        return str(Category(value).label)
    except ValueError:
        return value


class RiskBand(models.TextChoices):
    """How likely a student ends in "perlu perhatian", in words people act on."""

    SANGAT_TINGGI = "sangat_tinggi", _("sangat tinggi")
    TINGGI = "tinggi", _("tinggi")
    SEDANG = "sedang", _("sedang")
    RENDAH = "rendah", _("rendah")


RISK_BANDS = ((0.75, RiskBand.SANGAT_TINGGI), (0.5, RiskBand.TINGGI), (0.25, RiskBand.SEDANG))
RISK_STEP = 5  # percent: finer steps would claim a precision the models do not have


def risk_band(p_kurang: float) -> str:
    """The band value of a probability of "kurang" (0.8 → "sangat_tinggi")."""
    for low, band in RISK_BANDS:
        if p_kurang >= low:
            return band
    return RiskBand.RENDAH
