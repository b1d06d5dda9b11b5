import base64

import pytest
from django.core.exceptions import ImproperlyConfigured

from fugong.core import crypto


@pytest.fixture
def keys(settings):
    def configure(data_keys: str, lookup: str = "bG9va3VwLWtleS1mb3ItdGVzdHMtMDAwMDAwMDAwMDA"):
        settings.FUGONG_DATA_KEYS = data_keys
        settings.FUGONG_LOOKUP_KEY = lookup
        crypto.data_keys.cache_clear()
        crypto.lookup_key.cache_clear()
        crypto._cipher.cache_clear()

    yield configure
    crypto.data_keys.cache_clear()
    crypto.lookup_key.cache_clear()
    crypto._cipher.cache_clear()


def key() -> str:
    return crypto.new_key()


def test_round_trip_with_a_fresh_nonce_each_time(keys):
    keys(f"k1:{key()}")
    first, second = crypto.encrypt("430602198001011234"), crypto.encrypt("430602198001011234")
    assert first != second
    assert "430602198001011234" not in first
    assert crypto.decrypt(first) == crypto.decrypt(second) == "430602198001011234"


def test_tampering_is_detected(keys):
    keys(f"k1:{key()}")
    token = crypto.encrypt("13800138000")
    prefix, key_id, payload = token.split(":")
    raw = bytearray(base64.b64decode(payload))
    raw[-1] ^= 1
    with pytest.raises(ValueError):
        crypto.decrypt(f"{prefix}:{key_id}:{base64.b64encode(bytes(raw)).decode()}")


def test_rotation_old_values_stay_readable(keys):
    old, new = key(), key()
    keys(f"old:{old}")
    token = crypto.encrypt("13800138000")
    keys(f"new:{new},old:{old}")
    assert crypto.decrypt(token) == "13800138000"
    assert crypto.key_id_of(crypto.encrypt("x")) == "new"
    keys(f"new:{new}")
    with pytest.raises(ImproperlyConfigured):
        crypto.decrypt(token)


def test_lookup_digest_is_keyed(keys):
    keys(f"k1:{key()}")
    first = crypto.lookup_digest("phone", "13800138000")
    assert first == crypto.lookup_digest("phone", "13800138000")
    assert first != crypto.lookup_digest("document:resident_id", "13800138000")
    keys(f"k1:{key()}", lookup=key())
    assert first != crypto.lookup_digest("phone", "13800138000")


@pytest.mark.parametrize("value", ["", "nocolon", "k1:short", "k1:!!!not-base64!!!"])
def test_bad_key_settings_are_refused(keys, value):
    keys(value)
    with pytest.raises(ImproperlyConfigured):
        crypto.encrypt("x")


def test_encrypt_many_encrypts_each_value_with_its_own_nonce():
    values = ["430602198001011234", "13800138000", "", "430602198001011234"]
    tokens = crypto.encrypt_many(values)
    assert [crypto.decrypt(token) for token in tokens] == values
    nonces = {base64.b64decode(token.split(":", 2)[2])[: crypto.NONCE_BYTES] for token in tokens}
    assert len(nonces) == len(values)
    assert tokens[0] != tokens[3]
    assert crypto.encrypt_many([]) == []


def test_the_lookup_digest_is_hmac_sha256_of_the_kind_and_value(keys):
    import hashlib
    import hmac

    keys("k1:" + base64.urlsafe_b64encode(b"k" * 32).decode())
    expected = hmac.new(crypto.lookup_key(), b"phone:13800138000", hashlib.sha256).hexdigest()
    assert crypto.phone_digest("13800138000") == expected
    assert crypto.phone_digest("13800138000") == expected  # the keyed state is not consumed
    keys(
        "k1:" + base64.urlsafe_b64encode(b"k" * 32).decode(),
        lookup="b3RoZXIta2V5LWZvci10ZXN0cy0wMDAwMDAwMDAwMDA",
    )
    assert crypto.phone_digest("13800138000") != expected
