"""The client's address: the peer unless a reverse proxy is declared, then X-Forwarded-For as
the proxies wrote it, never as the client wrote it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from fugong.core.addresses import client_address
from fugong.core.crypto import new_key
from fugong.settings.base import trusted_proxy_count

REPOSITORY = Path(__file__).resolve().parents[3]


def request(remote="10.0.0.5", forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


@pytest.mark.parametrize(
    "remote, forwarded, expected",
    [
        ("10.0.0.5", None, "10.0.0.5"),
        ("10.0.0.5", "203.0.113.1", "10.0.0.5"),  # anyone can send the header
        ("::ffff:10.0.0.5", None, "10.0.0.5"),
        ("not-an-address", None, None),
    ],
)
def test_without_a_proxy_the_peer_is_the_client(settings, remote, forwarded, expected):
    settings.FUGONG_TRUSTED_PROXIES = 0
    assert client_address(request(remote, forwarded)) == expected


@pytest.mark.parametrize(
    "proxies, forwarded, expected",
    [
        (1, "203.0.113.1", "203.0.113.1"),
        # what the client itself put in front of the proxy's entry is not believed
        (1, "198.51.100.9, 203.0.113.1", "203.0.113.1"),
        (1, " 2001:db8::1 ", "2001:db8::1"),
        (1, "[2001:db8::1]:443", "2001:db8::1"),
        # two proxies: a CDN appended the client, nginx appended the CDN
        (2, "198.51.100.9, 203.0.113.1, 192.0.2.7", "203.0.113.1"),
        # fewer entries than proxies, no header, or garbage: the peer
        (2, "203.0.113.1", "127.0.0.1"),
        (1, None, "127.0.0.1"),
        (1, "", "127.0.0.1"),
        (1, "unknown", "127.0.0.1"),
    ],
)
def test_behind_proxies_the_client_comes_from_x_forwarded_for(
    settings, proxies, forwarded, expected
):
    settings.FUGONG_TRUSTED_PROXIES = proxies
    assert client_address(request("127.0.0.1", forwarded)) == expected


@pytest.mark.parametrize(
    "value, expected",
    [("", 0), ("0", 0), ("false", 0), ("1", 1), ("true", 1), ("TRUE", 1), ("yes", 1), ("2", 2)],
)
def test_fugong_behind_proxy_is_read_as_a_number_of_proxies(value, expected):
    assert trusted_proxy_count(value) == expected


@pytest.mark.parametrize("value", ["nginx", "-1", "1.5"])
def test_a_meaningless_fugong_behind_proxy_stops_the_start(value):
    with pytest.raises(ImproperlyConfigured):
        trusted_proxy_count(value)


def production_setting(tmp_path, behind_proxy: str | None) -> str:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "fugong.settings.production",
        "FUGONG_SECRET_KEY": "x" * 20 + "-production-secret-from-the-environment-0123456789",
        "FUGONG_ALLOWED_HOSTS": "fugong.example.cn",
        "FUGONG_DATA_DIR": str(tmp_path),
        # Fresh keys: production refuses the ones published for development.
        "FUGONG_DATA_KEYS": f"k1:{new_key()}",
        "FUGONG_LOOKUP_KEY": new_key(),
    }
    environment.pop("FUGONG_BEHIND_PROXY", None)
    if behind_proxy is not None:
        environment["FUGONG_BEHIND_PROXY"] = behind_proxy
    script = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.FUGONG_TRUSTED_PROXIES, getattr(settings, 'SECURE_PROXY_SSL_HEADER', None))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPOSITORY,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_production_believes_the_proxy_only_when_told(tmp_path):
    assert production_setting(tmp_path, None) == "0 None"
    assert production_setting(tmp_path, "true") == "1 ('HTTP_X_FORWARDED_PROTO', 'https')"
    assert production_setting(tmp_path, "2") == "2 ('HTTP_X_FORWARDED_PROTO', 'https')"
