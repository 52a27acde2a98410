"""The three predicted categories, their order and the words people read for them."""

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
