"""The school's indicator thresholds page (/students/indicators/): operator and kepsek set
what flags a student before a model exists (students/indicators.py)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .indicators import INDICATOR_LABELS, indicator_settings_get
from .models import IndicatorSettings, Role
from .models.indicators import DEFAULTS
from .services import INDICATOR_FIELDS, indicator_settings_save, school_pooled_opt_out_set


class IndicatorSettingsForm(forms.ModelForm):
    class Meta:
        model = IndicatorSettings
        fields = list(INDICATOR_FIELDS)


@login_required
def indicator_settings(request):
    user = request.user
    if not user.school_id or not (user.is_superuser or user.role in (Role.OPERATOR, Role.KEPSEK)):
        raise PermissionDenied(_("Halaman ini hanya untuk operator dan kepala sekolah."))
    current = indicator_settings_get(school=user.school)
    form = IndicatorSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and request.POST.get("action") == "pooled":
        opt_out = request.POST.get("pooled_opt_out") == "on"
        school_pooled_opt_out_set(school=user.school, user=user, opt_out=opt_out, request=request)
        if opt_out:
            messages.success(request, _("Sekolah ini tidak ikut model bersama."))
        else:
            messages.success(request, _("Sekolah ini ikut model bersama."))
        return redirect("students:indicators")
    if request.method == "POST" and request.POST.get("action") == "defaults":
        indicator_settings_save(school=user.school, user=user, values=DEFAULTS, request=request)
        messages.success(request, _("Batas indikator dikembalikan ke bawaan."))
        return redirect("students:indicators")
    if request.method == "POST" and form.is_valid():
        try:
            indicator_settings_save(
                school=user.school, user=user, values=form.cleaned_data, request=request
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Batas indikator disimpan."))
            return redirect("students:indicators")
    return render(
        request,
        "students/indicators.html",
        {
            "form": form,
            "labels": INDICATOR_LABELS,
            "defaults": DEFAULTS,
            "pooled_opt_out": user.school.pooled_opt_out,
        },
    )
