"""Static files as production serves them (DEBUG off, after collectstatic): the chart bundle is
the partial plotly.js, under a hashed name, compressed when the browser asks, cached for a year.

The requests go through the whole middleware stack with whitenoise built from the production
settings; collectstatic runs for real into a temporary STATIC_ROOT (our own files only, so
that the test stays quick: admin, DRF and Swagger UI files are left out)."""

import re

import pytest
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client, override_settings

from students.models import Role
from tests.predictions.factories import ModelVersionFactory
from tests.static_compress import compress_each_content_once

BUNDLE = "vendor/plotly/plotly.min.js"
ONE_YEAR = 365 * 24 * 60 * 60


PRODUCTION = {
    "DEBUG": False,
    "WHITENOISE_AUTOREFRESH": False,
}
MANIFEST = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """collectstatic once for the module, as the image build runs it."""
    from django.conf import settings

    root = tmp_path_factory.mktemp("static")
    storages = {**settings.STORAGES, "staticfiles": MANIFEST}
    with (
        override_settings(STATIC_ROOT=root, STORAGES=storages, **PRODUCTION),
        compress_each_content_once(),  # the same files, each content compressed once
    ):
        call_command(
            "collectstatic",
            "--noinput",
            verbosity=0,
            ignore_patterns=["admin", "rest_framework", "drf_spectacular_sidecar"],
        )
    return root


@pytest.fixture
def production_static(settings, collected):
    settings.STATIC_ROOT = collected
    settings.STORAGES = {**settings.STORAGES, "staticfiles": MANIFEST}
    for name, value in PRODUCTION.items():
        setattr(settings, name, value)
    return collected


def test_the_chart_bundle_is_the_partial_plotly_fetched_at_build_time(settings):
    assert settings.PLOTLY_PARTIAL_BUNDLE.is_file(), "run `make static`"
    head = settings.PLOTLY_PARTIAL_BUNDLE.read_bytes()[:2000].decode()
    assert "plotly.js" in head
    # The full bundle is 4.8 MB; the cartesian one (bar, scatter, heatmap) about 1.5 MB.
    assert settings.PLOTLY_PARTIAL_BUNDLE.stat().st_size < 2_000_000


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_the_chart_bundle_is_served_compressed_with_a_one_year_immutable_cache(
    production_static, encoding
):
    url = static(BUNDLE)
    assert re.fullmatch(r"/static/vendor/plotly/plotly\.min\.[0-9a-f]{12}\.js", url)
    response = Client().get(url, HTTP_ACCEPT_ENCODING=f"{encoding}, identity")
    assert response.status_code == 200
    assert response["Content-Encoding"] == encoding
    assert "Accept-Encoding" in response["Vary"]
    cache = response["Cache-Control"]
    assert "immutable" in cache
    assert int(re.search(r"max-age=(\d+)", cache).group(1)) >= ONE_YEAR
    body = b"".join(response.streaming_content)
    assert len(body) == int(response["Content-Length"]) < 600_000


def test_a_browser_without_compression_still_gets_the_plain_bundle(production_static):
    response = Client().get(static(BUNDLE), HTTP_ACCEPT_ENCODING="identity")
    assert response.status_code == 200
    assert "Content-Encoding" not in response
    assert int(response["Content-Length"]) == (production_static / BUNDLE).stat().st_size


@pytest.mark.django_db
def test_pages_link_the_hashed_bundle(production_static, make_user, school):
    ModelVersionFactory(school=school)
    client = Client()
    client.force_login(make_user(Role.KEPSEK, school=school))
    html = client.get("/predictions/models/").content.decode()
    assert f'src="{static(BUNDLE)}"' in html
    assert f'src="{static("predictions/charts.js")}"' in html


def test_the_fetched_tarball_must_match_the_pinned_npm_integrity(monkeypatch):
    import base64
    import hashlib

    from smk_dashboard.ops import vendor_assets

    data = b"any tarball bytes"
    good = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    vendor_assets.check_integrity(data, good)
    with pytest.raises(ValueError, match="integrity mismatch"):
        vendor_assets.check_integrity(data + b"!", good)
    monkeypatch.setenv("NPM_CONFIG_REGISTRY", "https://npm.mirror.example/")
    assert vendor_assets.tarball_url() == (
        "https://npm.mirror.example/plotly.js-cartesian-dist-min/-/"
        f"plotly.js-cartesian-dist-min-{vendor_assets.PLOTLY.version}.tgz"
    )
    assert vendor_assets.tarball_url(vendor_assets.AXE) == (
        f"https://npm.mirror.example/axe-core/-/axe-core-{vendor_assets.AXE.version}.tgz"
    )
    assert vendor_assets.is_current(vendor_assets.PLOTLY)  # the file on disk is the pinned one
