import datetime as dt

from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from smk_dashboard.core.models import AuditEvent
from students.models import Role

PASSWORD = "rahasia-uji-123"


def obtain(client: APIClient, username: str, password: str = PASSWORD, **extra):
    return client.post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json", **extra
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
    assert not Token.objects.filter(user=user).exists()
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
    Token.objects.filter(key=old).update(created=timezone.now() - dt.timedelta(days=30))
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
