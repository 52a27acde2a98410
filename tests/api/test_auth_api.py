import datetime as dt

from django.utils import timezone
from rest_framework.test import APIClient

from smk_dashboard.core.api_tokens import ApiToken, token_digest
from smk_dashboard.core.models import AuditEvent
from students.models import Role

PASSWORD = "rahasia-uji-123"


def obtain(api: APIClient, username: str, password: str = PASSWORD, **body):
    return api.post(
        "/api/v1/auth/token/", {"username": username, "password": password, **body}, format="json"
    )


def test_a_token_is_issued_for_good_credentials_and_opens_the_api(world):
    user = world.one.users[Role.BK]
    client = APIClient()
    response = obtain(client, user.username)
    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/students/").status_code == 200
    assert AuditEvent.objects.filter(action="api.token.issue", user=user).count() == 1


def test_wrong_password_gets_400_and_is_audited(world):
    user = world.one.users[Role.BK]
    response = obtain(APIClient(), user.username, "salah-sekali")
    assert response.status_code == 400
    assert "token" not in response.json()
    event = AuditEvent.objects.get(action="login.failed")
    assert event.detail == {"username": user.username} and event.user is None


def test_revoked_token_no_longer_works(world):
    user = world.one.users[Role.KEPSEK]
    client = APIClient()
    token = obtain(client, user.username).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.post("/api/v1/auth/token/revoke/").status_code == 204
    assert client.get("/api/v1/students/").status_code == 401
    assert not ApiToken.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(action="api.token.revoke", user=user).exists()


def test_delete_on_the_token_endpoint_revokes_too(world):
    user = world.one.users[Role.GURU]
    client = APIClient()
    token = obtain(client, user.username).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.delete("/api/v1/auth/token/").status_code == 204
    assert client.get("/api/v1/").status_code == 401


def test_an_expired_token_is_refused_and_a_new_one_issued(world, settings):
    user = world.one.users[Role.BK]
    client = APIClient()
    old = obtain(client, user.username).json()["token"]
    ApiToken.objects.filter(digest=token_digest(old)).update(expires=timezone.now())
    client.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    assert client.get("/api/v1/").status_code == 401
    new = obtain(APIClient(), user.username).json()["token"]
    assert new != old


def test_inactive_users_get_no_token(world):
    user = world.one.users[Role.BK]
    user.is_active = False
    user.save()
    assert obtain(APIClient(), user.username).status_code == 400


def test_repeated_failures_lock_the_api_login_out(world, settings):
    settings.AXES_FAILURE_LIMIT = 3
    user = world.one.users[Role.OPERATOR]
    client = APIClient()
    statuses = [obtain(client, user.username, "salah").status_code for _ in range(3)]
    assert statuses == [400, 400, 429]
    locked = obtain(client, user.username)  # even the right password is refused now
    assert locked.status_code == 429 and "token" not in locked.json()
    assert "Terlalu banyak" in locked.json()["detail"]


def test_token_requests_are_throttled(world, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "auth": "2/min",
        },
    }
    client = APIClient()
    statuses = [obtain(client, f"nobody{i}", "x").status_code for i in range(3)]
    assert statuses == [400, 400, 429]


def test_tokens_are_stored_only_as_a_digest(world):
    user = world.one.users[Role.BK]
    token = obtain(APIClient(), user.username).json()["token"]
    row = ApiToken.objects.get(user=user)
    assert row.digest == token_digest(token)
    stored = [str(v) for v in ApiToken.objects.filter(user=user).values().get().values()]
    assert token not in " ".join(stored)


def test_each_client_has_its_own_token_and_expiry(world, settings):
    settings.API_TOKEN_TTL_HOURS = 2
    user = world.one.users[Role.KEPSEK]
    laptop = obtain(APIClient(), user.username, client="laptop").json()
    script = obtain(APIClient(), user.username, client="skrip-rekap").json()
    assert laptop["token"] != script["token"]
    assert {r.client for r in ApiToken.objects.filter(user=user)} == {"laptop", "skrip-rekap"}
    row = ApiToken.objects.get(user=user, client="laptop")
    assert dt.timedelta(hours=1, minutes=59) < row.expires - row.created <= dt.timedelta(hours=2)
    # Revoking one client leaves the other working.
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {laptop['token']}")
    assert client.post("/api/v1/auth/token/revoke/").status_code == 204
    assert client.get("/api/v1/").status_code == 401
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Token {script['token']}")
    assert other.get("/api/v1/").status_code == 200


def test_a_password_change_ends_every_token(world):
    user = world.one.users[Role.BK]
    token = obtain(APIClient(), user.username).json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/").status_code == 200
    user.set_password("kata-sandi-baru-456")
    user.save()
    assert client.get("/api/v1/").status_code == 401
    assert not ApiToken.objects.filter(user=user).exists()
