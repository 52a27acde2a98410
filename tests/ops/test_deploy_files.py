"""The Dockerfile, entrypoint and compose file have the shape production needs. Docker cannot
run on the development machines or CI, so the images are not built here: these tests parse the
files (and run `docker-compose config` when that tool is installed)."""

import json
import re
import shutil
import subprocess

import pytest
import yaml

from tests.conftest import ROOT
from tests.static_compress import compress_each_content_once

DEPLOY = ROOT / "docs" / "deploy"
APP_SERVICES = {"web", "worker-default", "worker-ml", "worker-gpu", "beat", "backup"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def entrypoint() -> str:
    return (DEPLOY / "entrypoint.sh").read_text()


def _role_block(entrypoint: str, role: str) -> str:
    match = re.search(rf"^  {re.escape(role)}\)\n(.*?)^    ;;", entrypoint, re.S | re.M)
    assert match, f"entrypoint has no role {role}"
    return match.group(1)


def test_compose_has_every_service_of_a_production_site(compose):
    assert set(compose["services"]) == {"postgres", "redis"} | APP_SERVICES


def test_app_services_are_built_from_the_repository_dockerfile(compose):
    for name in APP_SERVICES:
        build = compose["services"][name]["build"]
        context = (DEPLOY / build["context"]).resolve()
        assert context == ROOT.resolve(), name
        assert (context / build["dockerfile"]).is_file(), name


def test_app_services_reach_postgres_and_redis_and_share_model_storage(compose):
    for name in APP_SERVICES:
        service = compose["services"][name]
        environment = service["environment"]
        assert "@postgres:5432/" in environment["DATABASE_URL"], name
        assert environment["REDIS_URL"].startswith("redis://redis:6379/"), name
        assert "models:/var/lib/smk-dashboard/models" in service["volumes"], name
        assert environment["MODEL_STORAGE_DIR"] == "/var/lib/smk-dashboard/models", name
        assert service["depends_on"]["redis"]["condition"] == "service_healthy", name
    assert {"pgdata", "redisdata", "models", "backups"} <= set(compose["volumes"])


def test_each_worker_consumes_its_own_queue(compose, entrypoint):
    for service, queue in [
        ("worker-default", "default"),
        ("worker-ml", "ml"),
        ("worker-gpu", "gpu"),
    ]:
        assert compose["services"][service]["command"] == [service]
        assert f"-Q {queue} " in _role_block(entrypoint, service)
    assert compose["services"]["beat"]["command"] == ["beat"]
    assert "beat" in _role_block(entrypoint, "beat")


def test_the_gpu_worker_is_an_optional_profile_with_a_gpu_and_cuda_tensorflow(compose):
    gpu = compose["services"]["worker-gpu"]
    assert gpu["profiles"] == ["gpu"]
    assert gpu["build"]["args"]["TENSORFLOW_PACKAGE"] == "tensorflow[and-cuda]"
    device = gpu["deploy"]["resources"]["reservations"]["devices"][0]
    assert device["driver"] == "nvidia" and "gpu" in device["capabilities"]
    for name in APP_SERVICES - {"worker-gpu"}:
        assert "profiles" not in compose["services"][name], name
        assert compose["services"][name]["build"]["args"]["TENSORFLOW_PACKAGE"] == "tensorflow-cpu"


def test_only_the_web_role_migrates_on_start(entrypoint):
    assert "manage.py migrate --noinput" in _role_block(entrypoint, "web")
    for role in ("worker-default", "worker-ml", "worker-gpu", "beat", "backup", "backup-loop"):
        assert "migrate" not in _role_block(entrypoint, role), role
    assert "gunicorn -c smk_dashboard/ops/gunicorn.conf.py" in _role_block(entrypoint, "web")


def test_web_is_published_on_loopback_only_and_has_a_health_check(compose):
    web = compose["services"]["web"]
    assert all(port.startswith("127.0.0.1:") for port in web["ports"])
    assert "docs/deploy/healthcheck.py" in web["healthcheck"]["test"]
    assert (DEPLOY / "healthcheck.py").is_file()


def test_postgres_and_redis_keep_their_data_and_report_health(compose):
    assert compose["services"]["postgres"]["volumes"] == ["pgdata:/var/lib/postgresql/data"]
    assert "--appendonly" in compose["services"]["redis"]["command"]
    for name in ("postgres", "redis"):
        assert compose["services"][name]["healthcheck"]["test"], name


def test_the_backup_service_writes_to_its_own_volume(compose):
    backup = compose["services"]["backup"]
    assert backup["command"] == ["backup-loop"]
    assert "backups:/var/backups/smk-dashboard" in backup["volumes"]


def test_dockerfile_is_slim_non_root_pinned_and_collects_static_at_build():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim", dockerfile, re.M)
    assert "pip install -r requirements.txt" in dockerfile
    assert "manage.py collectstatic --noinput" in dockerfile
    assert re.search(r"^USER app$", dockerfile, re.M)
    assert 'ENTRYPOINT ["/app/docs/deploy/entrypoint.sh"]' in dockerfile
    assert "ARG TENSORFLOW_PACKAGE=tensorflow-cpu" in dockerfile
    # The GPU build swaps the tensorflow-cpu pin of requirements.txt for the same version.
    assert re.search(r"^tensorflow-cpu==\S+$", (ROOT / "requirements.txt").read_text(), re.M)
    assert (DEPLOY / "Dockerfile.dockerignore").read_text().count(".env") >= 1


def test_entrypoint_is_valid_posix_shell():
    done = subprocess.run(["sh", "-n", str(DEPLOY / "entrypoint.sh")], capture_output=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="docker-compose not installed")
def test_docker_compose_accepts_the_file(tmp_path):
    env_file = tmp_path / "compose.env"
    env_file.write_text("POSTGRES_PASSWORD=check-only\n")
    dotenv = ROOT / ".env"
    created = not dotenv.exists()
    if created:  # env_file: ../../.env must exist for `config`
        dotenv.write_text("")
    try:
        done = subprocess.run(
            [
                "docker-compose",
                "-p",
                "smk-dashboard",
                "-f",
                str(DEPLOY / "docker-compose.yml"),
                "--env-file",
                str(env_file),
                "--profile",
                "gpu",
                "config",
                "-q",
            ],
            capture_output=True,
            text=True,
        )
    finally:
        if created:
            dotenv.unlink()
    assert done.returncode == 0, done.stderr


def test_collectstatic_with_the_production_storage_succeeds(settings, tmp_path):
    """The image runs this at build time; a static file that references a missing one (a
    sourceMappingURL, a url() in CSS) would break the build and every page with DEBUG off."""
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with compress_each_content_once():  # the same files, each content compressed once
        call_command("collectstatic", "--noinput", verbosity=0)
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    assert "vendor/plotly/plotly.min.js" in manifest["paths"]
    assert (tmp_path / "static" / manifest["paths"]["vendor/bootstrap/bootstrap.min.css"]).is_file()
