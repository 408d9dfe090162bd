"""SM4-GCM tokens, SM3, HMAC-SM3, the blind index and the encrypted model field."""

from __future__ import annotations

import hashlib
import hmac
import re

import pytest
from django import forms
from django.apps.registry import Apps
from django.core.exceptions import FieldError, ImproperlyConfigured, ValidationError
from django.db import connection, models
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from zhengwu.core import crypto
from zhengwu.core.crypto import (
    DecryptionError,
    blind_index,
    decrypt,
    decrypt_text,
    encrypt,
    encrypt_text,
    generate_key,
    hmac_sm3,
    sm3_hex,
    verify_hmac,
)
from zhengwu.core.errors import AppError
from zhengwu.core.fields import EncryptedCharField, index_for

PROPERTY = settings(derandomize=True, database=None, deadline=None, max_examples=200)
KEY = bytes.fromhex("0123456789abcdeffedcba9876543210")  # the GB/T 32907 example key
OTHER_KEY = bytes.fromhex("00000000000000000000000000000001")
AAD = b"org.person.id_number"
ID_NUMBER = "11010519491231002X"

# A model in a private registry: the project's migrations never see it.
isolated_apps = Apps()


class SealedRecord(models.Model):
    id = models.BigIntegerField(primary_key=True)
    id_number = EncryptedCharField("身份证号", max_length=18, blank=True, null=True)
    phone = EncryptedCharField("手机号", blank=True)

    class Meta:
        app_label = "core"
        managed = False
        apps = isolated_apps
        db_table = "core_test_sealed_record"


ID_FIELD = SealedRecord._meta.get_field("id_number")
PHONE_FIELD = SealedRecord._meta.get_field("phone")


# --- SM3 and HMAC-SM3 ----------------------------------------------------------------

def test_sm3_matches_the_gb_t_32905_examples():
    assert sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert sm3_hex(b"abcd" * 16) == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"


@pytest.mark.skipif("sm3" not in hashlib.algorithms_available, reason="this OpenSSL gives hashlib no SM3")
def test_hmac_sm3_agrees_with_the_standard_library_hmac():
    assert hmac_sm3(b"audit-key", b"event") == hmac.new(b"audit-key", b"event", "sm3").digest()


def test_hmac_sm3_depends_on_the_key_and_is_32_bytes():
    first, second = hmac_sm3(b"key-a", b"data"), hmac_sm3(b"key-b", b"data")
    assert (len(first), first == second) == (32, False)


def test_verify_hmac_accepts_equal_macs_and_refuses_different_ones():
    mac = hmac_sm3(b"key", b"data")
    assert verify_hmac(mac, hmac_sm3(b"key", b"data")) is True
    assert verify_hmac(mac, hmac_sm3(b"key", b"date")) is False


# --- SM4-GCM -----------------------------------------------------------------------------

@PROPERTY
@given(plaintext=st.binary(max_size=512), aad=st.binary(max_size=64))
def test_decrypt_returns_what_encrypt_sealed(plaintext, aad):
    assert decrypt(encrypt(plaintext, associated_data=aad, key=KEY), associated_data=aad, key=KEY) == plaintext


def test_a_token_is_version_nonce_ciphertext_and_tag():
    token = encrypt(b"hello", associated_data=AAD, key=KEY)
    assert (token[0], len(token)) == (1, 1 + 12 + 5 + 16)


def test_the_same_plaintext_encrypts_differently_each_time():
    assert encrypt(b"x", associated_data=AAD, key=KEY) != encrypt(b"x", associated_data=AAD, key=KEY)


@PROPERTY
@given(plaintext=st.binary(max_size=64), data=st.data())
def test_flipping_any_bit_of_a_token_makes_decryption_fail(plaintext, data):
    token = bytearray(encrypt(plaintext, associated_data=AAD, key=KEY))
    position = data.draw(st.integers(min_value=0, max_value=len(token) - 1))
    token[position] ^= data.draw(st.integers(min_value=1, max_value=255))
    with pytest.raises(DecryptionError):
        decrypt(bytes(token), associated_data=AAD, key=KEY)


@PROPERTY
@given(plaintext=st.binary(max_size=64), aad=st.binary(max_size=32), other=st.binary(max_size=32))
def test_decryption_under_other_associated_data_fails(plaintext, aad, other):
    assume(aad != other)
    token = encrypt(plaintext, associated_data=aad, key=KEY)
    with pytest.raises(DecryptionError):
        decrypt(token, associated_data=other, key=KEY)


def test_decryption_under_another_key_fails():
    token = encrypt(b"bid", associated_data=AAD, key=KEY)
    with pytest.raises(DecryptionError):
        decrypt(token, associated_data=AAD, key=OTHER_KEY)


@pytest.mark.parametrize("token", [b"", b"\x01" + bytes(27), b"\x02" + bytes(40)])
def test_a_truncated_token_or_an_unknown_version_is_refused(token):
    with pytest.raises(DecryptionError):
        decrypt(token, associated_data=AAD, key=KEY)


def test_a_decryption_error_is_an_application_error_in_chinese():
    with pytest.raises(DecryptionError) as caught:
        decrypt(encrypt(b"x", associated_data=b"a", key=KEY), associated_data=b"b", key=KEY)
    assert isinstance(caught.value, AppError)
    assert (caught.value.code, caught.value.message.startswith("解密失败")) == ("decryption_failed", True)


def test_the_default_key_comes_from_the_settings(settings):
    settings.ZHENGWU_DATA_KEY = KEY.hex()
    token = encrypt(b"x", associated_data=AAD)
    assert decrypt(token, associated_data=AAD, key=KEY) == b"x"


@pytest.mark.parametrize("value", ["abcd", "zz" * 16, "", "00" * 32])
def test_a_malformed_data_key_in_the_settings_is_a_clear_configuration_error(settings, value):
    settings.ZHENGWU_DATA_KEY = value
    with pytest.raises(ImproperlyConfigured, match="32 hexadecimal characters"):
        encrypt(b"x", associated_data=AAD)


@pytest.mark.parametrize("key", [b"short", bytes(32), KEY.hex()])
def test_an_explicit_key_of_the_wrong_size_is_refused(key):
    with pytest.raises(ValueError):
        encrypt(b"x", associated_data=AAD, key=key)


def test_associated_data_must_be_bytes():
    with pytest.raises(TypeError):
        encrypt(b"x", associated_data="org.person.id_number", key=KEY)


def test_generate_key_gives_fresh_usable_128_bit_keys():
    first, second = generate_key(), generate_key()
    assert (len(first), first == second) == (16, False)
    assert decrypt(encrypt(b"x", associated_data=AAD, key=first), associated_data=AAD, key=first) == b"x"


# --- text tokens -------------------------------------------------------------------------

@PROPERTY
@given(text=st.text(max_size=100))
def test_text_round_trips_through_a_url_safe_token(text):
    token = encrypt_text(text, associated_data=AAD, key=KEY)
    assert re.fullmatch(r"[A-Za-z0-9_=-]+", token)
    assert decrypt_text(token, associated_data=AAD, key=KEY) == text


@PROPERTY
@given(text=st.text(max_size=30), data=st.data())
def test_changing_any_character_of_a_text_token_makes_decryption_fail(text, data):
    token = encrypt_text(text, associated_data=AAD, key=KEY)
    position = data.draw(st.integers(min_value=0, max_value=len(token) - 1))
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_="
    replacement = data.draw(st.sampled_from([c for c in alphabet if c != token[position]]))
    with pytest.raises(DecryptionError):
        decrypt_text(token[:position] + replacement + token[position + 1:], associated_data=AAD, key=KEY)


@pytest.mark.parametrize("token", ["not base64!", "", "AAAA"])
def test_a_text_token_that_is_not_a_token_is_refused(token):
    with pytest.raises(DecryptionError):
        decrypt_text(token, associated_data=AAD, key=KEY)


# --- blind index -------------------------------------------------------------------------

def test_the_blind_index_is_hmac_sm3_of_purpose_and_value_under_the_index_key(settings):
    settings.ZHENGWU_INDEX_KEY = "index-key"
    expected = hmac_sm3(b"index-key", b"id_number\x00" + ID_NUMBER.encode()).hex()
    assert blind_index(ID_NUMBER, purpose="id_number") == expected


def test_the_blind_index_ignores_spacing_and_letter_case():
    assert blind_index(" 11010519491231002x ", purpose="id_number") == blind_index(ID_NUMBER, purpose="id_number")


def test_the_same_value_under_two_purposes_gives_unrelated_indexes():
    assert blind_index(ID_NUMBER, purpose="id_number") != blind_index(ID_NUMBER, purpose="agent_id_number")


def test_the_blind_index_changes_with_the_index_key(settings):
    before = blind_index(ID_NUMBER, purpose="id_number")
    settings.ZHENGWU_INDEX_KEY = "another-index-key"
    assert blind_index(ID_NUMBER, purpose="id_number") != before


def test_the_blind_index_is_64_hex_characters_and_empty_for_an_empty_value():
    assert re.fullmatch(r"[0-9a-f]{64}", blind_index(ID_NUMBER, purpose="id_number"))
    assert blind_index("  ", purpose="id_number") == ""


@pytest.mark.parametrize("purpose", ["", "id\x00number"])
def test_a_blind_index_needs_a_plain_purpose(purpose):
    with pytest.raises(ValueError):
        blind_index(ID_NUMBER, purpose=purpose)


def test_an_empty_index_key_is_a_configuration_error(settings):
    settings.ZHENGWU_INDEX_KEY = ""
    with pytest.raises(ImproperlyConfigured):
        blind_index(ID_NUMBER, purpose="id_number")


def test_fields_re_exports_the_blind_index_as_index_for():
    assert index_for is crypto.blind_index


# --- EncryptedCharField ----------------------------------------------------------------

def test_the_field_stores_a_token_bound_to_its_model_and_column():
    stored = ID_FIELD.get_prep_value(ID_NUMBER)
    assert ID_NUMBER not in stored
    assert decrypt_text(stored, associated_data=b"core.sealedrecord.id_number") == ID_NUMBER


def test_the_field_reads_back_what_it_stored():
    assert ID_FIELD.from_db_value(ID_FIELD.get_prep_value(ID_NUMBER), None, connection) == ID_NUMBER


@pytest.mark.parametrize("value", [None, ""])
def test_none_and_empty_are_stored_and_read_as_they_are(value):
    assert (ID_FIELD.get_prep_value(value), ID_FIELD.from_db_value(value, None, connection)) == (value, value)


def test_a_token_copied_to_another_column_fails_to_decrypt():
    with pytest.raises(DecryptionError):
        PHONE_FIELD.from_db_value(ID_FIELD.get_prep_value("13800138000"), None, connection)


def test_an_associated_label_pins_the_context_across_renames():
    field = EncryptedCharField(associated_label="org.person.id_number")
    assert decrypt_text(field.get_prep_value(ID_NUMBER), associated_data=b"org.person.id_number") == ID_NUMBER
    assert field.deconstruct()[3]["associated_label"] == "org.person.id_number"


def test_a_field_outside_a_model_refuses_to_encrypt():
    with pytest.raises(ImproperlyConfigured):
        EncryptedCharField().get_prep_value(ID_NUMBER)


def test_the_field_deconstructs_for_migrations():
    name, path, args, kwargs = ID_FIELD.deconstruct()
    assert (name, path, args) == ("id_number", "zhengwu.core.fields.EncryptedCharField", [])
    assert kwargs == {"verbose_name": "身份证号", "max_length": 18, "blank": True, "null": True}
    assert EncryptedCharField(*args, **kwargs).deconstruct()[3] == kwargs


def test_max_length_limits_the_plaintext():
    with pytest.raises(ValidationError):
        ID_FIELD.clean(ID_NUMBER + "1", None)


def test_the_form_field_is_a_one_line_input():
    formfield = ID_FIELD.formfield()
    assert (type(formfield), type(formfield.widget), formfield.max_length) == (
        forms.CharField, forms.TextInput, 18)


@pytest.mark.parametrize("lookup", ["id_number", "id_number__exact", "id_number__in", "id_number__icontains",
                                    "id_number__startswith", "id_number__lower"])
def test_filtering_on_the_encrypted_value_is_refused_pointing_to_the_blind_index(lookup):
    value = [ID_NUMBER] if lookup.endswith("__in") else ID_NUMBER
    with pytest.raises(FieldError, match="index_for"):
        SealedRecord.objects.filter(**{lookup: value})


@pytest.mark.django_db
def test_the_database_holds_ciphertext_and_the_orm_returns_plaintext():
    table = connection.ops.quote_name(SealedRecord._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {table} (id bigint PRIMARY KEY, id_number text NULL, phone text NOT NULL)")
    SealedRecord.objects.create(id=1, id_number=ID_NUMBER, phone="13800138000")
    SealedRecord.objects.create(id=2, id_number=None, phone="")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id_number, phone FROM {table} WHERE id = 1")
        raw_id_number, raw_phone = cursor.fetchone()
    assert ID_NUMBER not in raw_id_number and "13800138000" not in raw_phone
    assert decrypt_text(raw_phone, associated_data=b"core.sealedrecord.phone") == "13800138000"
    assert SealedRecord.objects.get(id=1).id_number == ID_NUMBER
    assert list(SealedRecord.objects.filter(id_number__isnull=True).values_list("id", "phone")) == [(2, "")]
