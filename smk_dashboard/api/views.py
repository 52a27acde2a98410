"""API root and token authentication (/api/v1/auth/token/)."""

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.utils.translation import gettext as _
from django_otp import user_has_device
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from smk_dashboard.core.api_tokens import ApiToken, api_token_issue, api_tokens_revoke
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
    """Revoke the token this request came with (this client), or every token of the user
    with `all` (or when signed in by session, which has no token of its own)."""
    everything = str(request.query_params.get("all") or request.data.get("all") or "") in (
        "1",
        "true",
        "ya",
    )
    token = request.auth if isinstance(request.auth, ApiToken) and not everything else None
    revoked = api_tokens_revoke(user=request.user, token=token)
    audit_log(
        action="api.token.revoke",
        request=request,
        target=request.user,
        detail={"revoked": revoked, "client": token.client if token else "*"},
    )
    return Response(status=status.HTTP_204_NO_CONTENT)


def _refused(request, *, username: str, user=None, reason: str = "") -> serializers.ValidationError:
    """The one answer to every refused token request. A wrong password, and a right password
    without the second factor it needs (missing or wrong code, or a role that must enrol
    first), read the same: the answer never tells whether the password was right. The second
    kind counts towards the lockout like a wrong password and is audited with its reason."""
    if user is not None:
        user_login_failed.send(
            sender=__name__,
            credentials={"username": username},
            request=request._request,
        )
        audit_log(
            action="api.token.second_factor",
            user=user,
            request=request,
            target=user,
            detail={"reason": reason},
        )
    return serializers.ValidationError({"detail": _refused_message()})


def _refused_message() -> str:
    return _(
        "Nama pengguna, kata sandi, atau kode verifikasi dua langkah salah. Akun yang wajib "
        "memakai verifikasi dua langkah mendaftarkannya dahulu di /accounts/2fa/."
    )


class TokenObtainApi(APIView):
    """POST username and password (and `otp`, the second-factor code, for accounts that use
    one), get `{"token": ...}`; send it as `Authorization: Token <token>`. Each `client` name
    holds its own token (issuing again replaces it); tokens expire after API_TOKEN_TTL_HOURS
    and end when the password changes. Every refusal reads the same; failures count towards
    the lockout (django-axes) and are audited."""

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
        client = serializers.CharField(
            max_length=60,
            required=False,
            allow_blank=True,
            help_text="Nama klien (mis. skrip-rekap); tiap klien memegang tokennya sendiri.",
        )

        class Meta:
            ref_name = "TokenObtainInput"

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField()
        client = serializers.CharField()
        expires = serializers.DateTimeField()

        class Meta:
            ref_name = "TokenObtainOutput"

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer}, auth=[])
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        username = data["username"]
        # The Django request, so that django-axes marks a lockout where its middleware sees it.
        user = authenticate(request._request, username=username, password=data["password"])
        if user is None or not user.is_active:
            raise _refused(request, username=username)
        # A token is a sign-in too: an account with a second factor gives its code here.
        if user_has_device(user):
            code = data.get("otp", "")
            if not code:
                raise _refused(request, username=username, user=user, reason="code_missing")
            if two_factor_verify(user=user, code=code, request=request) is None:
                raise _refused(request, username=username, user=user, reason="code_wrong")
        elif two_factor_required(user):
            raise _refused(request, username=username, user=user, reason="not_enrolled")
        key, token = api_token_issue(user=user, client=data.get("client") or "")
        audit_log(
            action="api.token.issue",
            user=user,
            request=request,
            target=user,
            detail={"client": token.client},
        )
        return Response(
            self.OutputSerializer(
                {"token": key, "client": token.client, "expires": token.expires}
            ).data
        )

    @extend_schema(request=None, responses={204: None}, operation_id="auth_token_delete")
    def delete(self, request):
        return _token_revoke(request)


class TokenRevokeApi(APIView):
    """Revoke the caller's token (this client); `all=1` revokes every client's token."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        return _token_revoke(request)
