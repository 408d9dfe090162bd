"""SM4-GCM encryption, SM3 digests, HMAC-SM3 and the blind index.

Every primitive comes from ``cryptography`` (OpenSSL); nothing here is
hand-written cryptography.

Token format (bytes)::

    version (1 byte, 0x01) | nonce (12 random bytes) | ciphertext | GCM tag (16 bytes)

The version byte is authenticated together with the caller's associated data,
so a token only decrypts under the key *and* the context it was sealed for
(a column, a bid and its bidder, ...). Tampering, a wrong key or a wrong
context raises :class:`DecryptionError`; nothing is ever returned unverified.

Keys: ``settings.ZHENGWU_DATA_KEY`` (32 hex characters, a 128-bit SM4 key) for
:func:`encrypt`/:func:`decrypt` unless a key is passed;
``settings.ZHENGWU_INDEX_KEY`` (text) for :func:`blind_index`.

Blind index: ``hex(HMAC-SM3(index key, purpose || 0x00 || normalized value))``,
64 hex characters. It lets a service find a row by an exact encrypted value
(an ID number, a phone) without decrypting every row; the purpose keeps the
same number under two purposes from producing linkable indexes.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import os
import unicodedata

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from zhengwu.core.errors import AppError

VERSION = 1
KEY_SIZE = 16
NONCE_SIZE = 12
TAG_SIZE = 16
HEADER = bytes([VERSION])
MIN_TOKEN_SIZE = len(HEADER) + NONCE_SIZE + TAG_SIZE


class DecryptionError(AppError):
    """A token that is damaged, tampered with, or sealed under another key or context."""

    status = 422
    default_code = "decryption_failed"

    def __init__(self, message: str = "解密失败：数据已损坏或被篡改，或与密钥、所属对象不匹配", **kwargs) -> None:
        super().__init__(message, **kwargs)


# --- keys -------------------------------------------------------------------------

def generate_key() -> bytes:
    """A fresh random 128-bit SM4 key (store it as ``key.hex()``)."""
    return os.urandom(KEY_SIZE)


def data_key() -> bytes:
    """The SM4 key from ``settings.ZHENGWU_DATA_KEY``, validated."""
    raw = getattr(settings, "ZHENGWU_DATA_KEY", None)
    try:
        key = bytes.fromhex(raw or "")
    except (TypeError, ValueError):
        raise ImproperlyConfigured(
            "ZHENGWU_DATA_KEY must be 32 hexadecimal characters (a 128-bit SM4 key); "
            "it is not valid hex. Generate one with zhengwu.core.crypto.generate_key().hex()."
        ) from None
    if len(key) != KEY_SIZE:
        raise ImproperlyConfigured(
            f"ZHENGWU_DATA_KEY must be 32 hexadecimal characters (a 128-bit SM4 key); "
            f"it decodes to {len(key)} bytes instead of {KEY_SIZE}."
        )
    return key


def _index_key() -> bytes:
    raw = getattr(settings, "ZHENGWU_INDEX_KEY", None)
    if not raw:
        raise ImproperlyConfigured("ZHENGWU_INDEX_KEY is empty: the blind index needs a secret key.")
    return raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)


def _check_key(key: bytes | None) -> bytes:
    if key is None:
        return data_key()
    if not isinstance(key, bytes) or len(key) != KEY_SIZE:
        shown = f"{len(key)} bytes" if isinstance(key, bytes) else type(key).__name__
        raise ValueError(f"An SM4 key is {KEY_SIZE} bytes; got {shown}.")
    return key


def _check_associated_data(associated_data: bytes) -> bytes:
    if not isinstance(associated_data, bytes):
        raise TypeError("associated_data must be bytes (encode the context, e.g. f'...'.encode()).")
    return associated_data


# --- SM4-GCM ----------------------------------------------------------------------

def encrypt(plaintext: bytes, *, associated_data: bytes, key: bytes | None = None) -> bytes:
    """Seal ``plaintext`` with SM4-GCM, bound to ``associated_data``."""
    if not isinstance(plaintext, bytes):
        raise TypeError("plaintext must be bytes (use encrypt_text for str).")
    key = _check_key(key)
    associated_data = _check_associated_data(associated_data)
    nonce = os.urandom(NONCE_SIZE)
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(HEADER + associated_data)
    ciphertext = encryptor.update(plaintext) + encryptor.finalize()
    return HEADER + nonce + ciphertext + encryptor.tag


def decrypt(token: bytes, *, associated_data: bytes, key: bytes | None = None) -> bytes:
    """Open a token made by :func:`encrypt`, or raise :class:`DecryptionError`."""
    key = _check_key(key)
    associated_data = _check_associated_data(associated_data)
    if not isinstance(token, (bytes, bytearray)) or len(token) < MIN_TOKEN_SIZE:
        raise DecryptionError("解密失败：密文长度不正确")
    token = bytes(token)
    if token[:1] != HEADER:
        raise DecryptionError("解密失败：不支持的密文版本")
    nonce = token[1:1 + NONCE_SIZE]
    ciphertext, tag = token[1 + NONCE_SIZE:-TAG_SIZE], token[-TAG_SIZE:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(HEADER + associated_data)
    try:
        return decryptor.update(ciphertext) + decryptor.finalize()
    except InvalidTag:
        raise DecryptionError() from None


def encrypt_text(text: str, *, associated_data: bytes, key: bytes | None = None) -> str:
    """:func:`encrypt` for a text column: UTF-8 in, URL-safe base64 token out."""
    if not isinstance(text, str):
        raise TypeError("text must be str.")
    token = encrypt(text.encode("utf-8"), associated_data=associated_data, key=key)
    return base64.urlsafe_b64encode(token).decode("ascii")


def decrypt_text(token: str, *, associated_data: bytes, key: bytes | None = None) -> str:
    """The inverse of :func:`encrypt_text`; any change to the token raises :class:`DecryptionError`."""
    if not isinstance(token, str):
        raise DecryptionError("解密失败：密文格式不正确")
    try:
        raw = base64.b64decode(token, altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise DecryptionError("解密失败：密文格式不正确") from None
    # Base64 ignores some bits of the last character: refuse any non-canonical spelling.
    if base64.urlsafe_b64encode(raw).decode("ascii") != token:
        raise DecryptionError("解密失败：密文格式不正确")
    plaintext = decrypt(raw, associated_data=associated_data, key=key)
    try:
        return plaintext.decode("utf-8")
    except UnicodeDecodeError:
        raise DecryptionError("解密失败：内容不是文本") from None


# --- SM3 and HMAC-SM3 -----------------------------------------------------------------

def sm3_digest(data: bytes) -> bytes:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()


def sm3_hex(data: bytes) -> str:
    """SM3 digest as 64 lowercase hex characters."""
    return sm3_digest(data).hex()


def hmac_sm3(key: bytes, data: bytes) -> bytes:
    """HMAC-SM3 of ``data`` under ``key`` (32 bytes)."""
    mac = crypto_hmac.HMAC(key, hashes.SM3())
    mac.update(data)
    return mac.finalize()


def verify_hmac(expected: bytes, actual: bytes) -> bool:
    """Compare two MACs (or digests) in constant time."""
    return hmac.compare_digest(expected, actual)


def normalize_for_index(value: str) -> str:
    """The form a value is indexed in: NFKC, no whitespace, upper case.

    Services index the *validated* value (``validate_id_card`` etc.), so that
    ``+86 138-0013-8000`` and ``13800138000`` meet; this only absorbs spacing
    and letter case.
    """
    text = unicodedata.normalize("NFKC", value or "")
    return "".join(text.split()).upper()


def blind_index(value: str, *, purpose: str) -> str:
    """Keyed SM3 index of ``value`` for exact lookups; ``""`` for an empty value.

    ``purpose`` names the column (``"org.person.id_number"``); the same value
    under another purpose gives an unrelated index.
    """
    if not purpose or "\x00" in purpose:
        raise ValueError("purpose must be a non-empty string without NUL characters.")
    normalized = normalize_for_index(value)
    if not normalized:
        return ""
    message = f"{purpose}\x00{normalized}".encode("utf-8")
    return hmac_sm3(_index_key(), message).hex()


index_for = blind_index
