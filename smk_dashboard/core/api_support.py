"""Shared REST API plumbing: throttles, token expiry, pagination and the schema hook."""

from contextlib import contextmanager

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, serializers
from rest_framework.authentication import TokenAuthentication
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle, UserRateThrottle

from smk_dashboard.core.api_tokens import api_token_find
from smk_dashboard.core.params import parse_int


class _RatesFromSettings:
    """DRF copies the rates when the class is defined; read them when a request arrives, so
    the settings in force (and test overrides) apply."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonThrottle(_RatesFromSettings, AnonRateThrottle):
    pass


class UserThrottle(_RatesFromSettings, UserRateThrottle):
    pass


class ScopedThrottle(_RatesFromSettings, ScopedRateThrottle):
    pass


class SafeJSONParser(JSONParser):
    """DRF's JSON parser, but a body nested deeper than Python's recursion limit is a 400 like
    any other malformed JSON (DRF only catches ValueError, so it was a 500)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(_("JSON tidak sah: bersarang terlalu dalam."))


class IdField(serializers.IntegerField):
    """An id or whole number in a query string or body: ASCII digits only (or a JSON integer),
    bounded, read by the one parser of smk_dashboard.core.params. DRF's IntegerField takes
    "1_000" and full-width digits as numbers."""

    def to_internal_value(self, data):
        if isinstance(data, str) and parse_int(data.strip()) is None:
            self.fail("invalid")
        return super().to_internal_value(data)


class ExpiringTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <token>`, looked up by its digest (smk_dashboard/core/api_tokens):
    an unknown, expired token, or one issued before the user's password changed, is refused."""

    def authenticate_credentials(self, key):
        token = api_token_find(key)
        if token is None:
            raise exceptions.AuthenticationFailed(
                _("Token tidak sah atau kedaluwarsa; minta token baru.")
            )
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Akun tidak aktif."))
        return token.user, token


PAGE_PARAM = OpenApiParameter("page", int, description="Nomor halaman (mulai 1).")
PAGE_SIZE_PARAM = OpenApiParameter("page_size", int, description="Baris per halaman (≤ 200).")


def require_roles(request, roles) -> None:
    """403 for a role that has no business with these endpoints (sudin: never names)."""
    if not (request.user.is_superuser or request.user.role in roles):
        raise exceptions.PermissionDenied()


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200


def paginated_response(*, request, view, queryset, serializer_class) -> Response:
    paginator = Pagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


class Conflict(exceptions.APIException):
    """409: the object is not in a state that allows the operation."""

    status_code = 409
    default_detail = _("Permintaan bertentangan dengan keadaan data saat ini.")
    default_code = "conflict"


class DetailSerializer(serializers.Serializer):
    """The body of an error answer: `{"detail": "..."}`."""

    detail = serializers.CharField()

    class Meta:
        ref_name = "ErrorDetail"


@contextmanager
def service_errors(status_code: int = 400):
    """Turn a service's django ValidationError into a JSON error answer (400, or 409 for a
    state conflict): `{"detail": "...", "errors": ["..."]}`, with the service's own message."""
    try:
        yield
    except DjangoValidationError as exc:
        messages = [str(m) for m in exc.messages]
        if status_code == 409:
            raise Conflict(" ".join(messages)) from exc
        raise serializers.ValidationError(
            {"detail": " ".join(messages), "errors": messages}
        ) from exc


def paginated(serializer_class, name: str) -> type[serializers.Serializer]:
    """The schema of a page of `serializer_class` rows (count, next, previous, results)."""
    return type(
        name,
        (serializers.Serializer,),
        {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer_class(many=True),
            "Meta": type("Meta", (), {"ref_name": name}),
        },
    )


_DETAIL = {"type": "object", "properties": {"detail": {"type": "string"}}}
_ERRORS = {
    "400": ("Isian tidak sah", {"type": "object", "additionalProperties": True}),
    "401": ("Belum masuk atau token tidak sah", _DETAIL),
    "403": ("Peran ini tidak boleh mengakses", _DETAIL),
    "404": ("Tidak ditemukan atau di luar cakupan pengguna", _DETAIL),
    "429": ("Terlalu banyak permintaan", _DETAIL),
}


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: document the error answers every endpoint can
    give, so clients (and schemathesis) know them."""
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            for code, (description, schema) in _ERRORS.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": schema}},
                    },
                )
    return result


class AsciiIntegerField(serializers.IntegerField):
    """An integer written with ASCII digits only: Python's int() also reads "１２" (full-width)
    and DRF would take it; ids and counts from requests are plain digits (issue 25)."""

    def to_internal_value(self, data):
        if isinstance(data, str) and not data.isascii():
            self.fail("invalid")
        return super().to_internal_value(data)


class AsciiDateField(serializers.DateField):
    """An ISO date written with ASCII digits only ("２０２５-01-01" is refused)."""

    def to_internal_value(self, value):
        if isinstance(value, str) and not value.isascii():
            self.fail("invalid", format="YYYY-MM-DD")
        return super().to_internal_value(value)
