"""API root and token authentication (/api/v1/auth/token/)."""

from django.contrib.auth import authenticate
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import user_has_device
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from smk_dashboard.core.api_support import token_expired
from smk_dashboard.core.audit import audit_log
from smk_dashboard.signin.two_factor import two_factor_required, two_factor_verify


class ApiRootApi(APIView):
    """Links to the endpoints of this version."""

    class OutputSerializer(serializers.Serializer):
        students = serializers.URLField()
        classes = serializers.URLField()
        model_versions = serializers.URLField()
        training_runs = serializers.URLField()
        imports = serializers.URLField()
        interventions = serializers.URLField()
        token = serializers.URLField()
        token_revoke = serializers.URLField()
        schema = serializers.URLField()
        docs = serializers.URLField()

        class Meta:
            ref_name = "ApiRoot"

    @extend_schema(responses=OutputSerializer, operation_id="api_root")
    def get(self, request):
        def link(name: str) -> str:
            return reverse(name, request=request)

        data = {
            "students": link("api:student-list"),
            "classes": link("api:class-list"),
            "model_versions": link("api:modelversion-list"),
            "training_runs": link("api:trainingrun-start"),
            "imports": link("api:import-create"),
            "interventions": link("api:intervention-list"),
            "token": link("api:token"),
            "token_revoke": link("api:token-revoke"),
            "schema": link("schema"),
            "docs": link("swagger-ui"),
        }
        return Response(self.OutputSerializer(data).data)


def _token_revoke(request) -> Response:
    deleted, _rows = Token.objects.filter(user=request.user).delete()
    audit_log(
        action="api.token.revoke",
        request=request,
        target=request.user,
        detail={"revoked": bool(deleted)},
    )
    return Response(status=status.HTTP_204_NO_CONTENT)


class TokenObtainApi(APIView):
    """POST username and password, get `{"token": ...}`; send it as `Authorization: Token
    <token>`. Failed attempts count towards the lockout (django-axes) and are audited."""

    throttle_scope = "auth"

    def get_permissions(self):
        if self.request.method == "POST":
            return [AllowAny()]
        return [IsAuthenticated()]

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(max_length=128, trim_whitespace=False)
        otp = serializers.CharField(
            max_length=32,
            required=False,
            allow_blank=True,
            help_text="Kode verifikasi dua langkah (TOTP atau kode pemulihan), wajib untuk akun "
            "yang memakai verifikasi dua langkah.",
        )

        class Meta:
            ref_name = "TokenObtainInput"

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField()

        class Meta:
            ref_name = "TokenObtainOutput"

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer}, auth=[])
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # The Django request, so that django-axes marks a lockout where its middleware sees it.
        user = authenticate(request._request, username=data["username"], password=data["password"])
        if user is None or not user.is_active:
            raise serializers.ValidationError({"detail": _("Nama pengguna atau kata sandi salah.")})
        # A token is a sign-in too: an account with a second factor gives its code here.
        if user_has_device(user):
            code = data.get("otp", "")
            if not code or two_factor_verify(user=user, code=code, request=request) is None:
                raise serializers.ValidationError(
                    {"otp": _("Kode verifikasi dua langkah salah atau belum diisi.")}
                )
        elif two_factor_required(user):
            raise PermissionDenied(
                _("Aktifkan verifikasi dua langkah di /accounts/2fa/ sebelum meminta token API.")
            )
        with transaction.atomic():
            token, created = Token.objects.select_for_update().get_or_create(user=user)
            if not created and token_expired(token):
                token.delete()
                token, created = Token.objects.create(user=user), True
        audit_log(
            action="api.token.issue",
            user=user,
            request=request,
            target=user,
            detail={"new": created},
        )
        return Response(self.OutputSerializer({"token": token.key}).data)

    @extend_schema(request=None, responses={204: None}, operation_id="auth_token_delete")
    def delete(self, request):
        return _token_revoke(request)


class TokenRevokeApi(APIView):
    """Revoke the caller's token (sign out of API clients everywhere)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        return _token_revoke(request)
