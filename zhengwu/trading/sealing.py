"""The cryptography of sealed bids (DOMAIN.md §14), with no database and no clock.

* A bid is sealed with SM4-GCM under a fresh random 128-bit data key
  (:func:`zhengwu.core.crypto.encrypt`), with the tender, the section, the bidder's
  credit code and the bid's id bound in as associated data: a flipped byte, or the
  ciphertext of bidder A copied into bidder B's row, fails to decrypt.
* Bidder mode: the data key is sealed (SM4-GCM) under a key-encryption key derived
  from the bidder's opening passphrase with scrypt; the server keeps the salt and
  the sealed key, never the passphrase.
* Custodian mode: the data key is split k-of-n with Shamir's scheme
  (pycryptodome); each share is sealed to one custodian's X25519 public key
  (ephemeral ECDH, HKDF-SM3, SM4-GCM). A custodian's private key is stored only
  sealed under a key derived from the custodian's passphrase.

Every primitive comes from ``cryptography`` or pycryptodome; none is hand-written.
"""

from __future__ import annotations

import json
import os
import struct
from dataclasses import dataclass
from decimal import Decimal
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from Crypto.Protocol.SecretSharing import Shamir  # nosec B413  # pycryptodome (maintained), not the old pyCrypto
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from zhengwu.core import crypto
from zhengwu.core.crypto import DecryptionError

SALT_SIZE = 16
#: scrypt cost (RFC 7914 interactive parameters); stored with each sealed key so it can be raised later
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 14, 8, 1
KDF_LABEL = f"scrypt:{SCRYPT_N}:{SCRYPT_R}:{SCRYPT_P}"
#: the lowest cost any sealed key may carry (and the cost ``kdf_cost`` may lower to)
SCRYPT_N_MIN = 2 ** 10
_kdf_override: ContextVar[str | None] = ContextVar("zhengwu_bid_kdf", default=None)


@contextmanager
def kdf_cost(n: int) -> Iterator[None]:
    """Seal the keys wrapped inside the block with scrypt cost ``n`` (a power of two, at least
    ``SCRYPT_N_MIN``), recorded in each key's label as always. For trusted code that seals bids nobody will
    attack: the demo generator, whose thousands of bids would otherwise spend minutes in scrypt. No request
    path uses it; the cost of real bids is ``SCRYPT_N``."""
    if n < SCRYPT_N_MIN or n & (n - 1):
        raise ValueError(f"scrypt n must be a power of two of at least {SCRYPT_N_MIN}")
    token = _kdf_override.set(f"scrypt:{n}:{SCRYPT_R}:{SCRYPT_P}")
    try:
        yield
    finally:
        _kdf_override.reset(token)
MIN_PASSPHRASE = 8


def bid_context(*, tender_id: int, section_id: int, credit_code: str, bid_uid: str) -> bytes:
    """The associated data that binds a bid's ciphertext to its tender, section, bidder and id."""
    return f"tender:{tender_id}|section:{section_id}|bidder:{credit_code}|bid:{bid_uid}".encode()


# --- the bid content ------------------------------------------------------------------------------

#: optional header fields (the people the bid names and the document's text, evidence for supervision): written
#: only when set, so a bid without them packs as before and an old bid opens with them empty
OPTIONAL_FIELDS = ("project_manager_name", "project_manager_certificate", "agent_name", "agent_id_number",
                   "document_text")


@dataclass(frozen=True)
class BidContent:
    price: Decimal
    duration_days: int | None
    quality: str
    file_name: str
    file: bytes
    project_manager_name: str = ""
    project_manager_certificate: str = ""
    agent_name: str = ""
    agent_id_number: str = ""
    #: the bid's document text as the bid-preparation client extracted it (empty: the file is read as text)
    document_text: str = ""


def pack(content: BidContent) -> bytes:
    """``len(header) (4 bytes, big-endian) | header (JSON) | file bytes``."""
    fields = {"price": str(content.price), "duration_days": content.duration_days,
              "quality": content.quality, "file_name": content.file_name}
    fields.update({name: getattr(content, name) for name in OPTIONAL_FIELDS if getattr(content, name)})
    header = json.dumps(fields, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return struct.pack(">I", len(header)) + header + content.file


def unpack(data: bytes) -> BidContent:
    try:
        (size,) = struct.unpack(">I", data[:4])
        header: dict[str, Any] = json.loads(data[4:4 + size].decode("utf-8"))
        return BidContent(price=Decimal(header["price"]), duration_days=header.get("duration_days"),
                          quality=header.get("quality") or "", file_name=header.get("file_name") or "",
                          file=data[4 + size:],
                          **{name: str(header.get(name) or "") for name in OPTIONAL_FIELDS})
    except (struct.error, ValueError, KeyError, ArithmeticError):
        raise DecryptionError("解密失败:投标文件内容格式不正确") from None


def seal(content: BidContent, *, context: bytes) -> tuple[bytes, bytes]:
    """``(data key, ciphertext)`` for a bid; the caller wraps the key and forgets it."""
    key = crypto.generate_key()
    return key, crypto.encrypt(pack(content), associated_data=context, key=key)


def unseal(ciphertext: bytes, *, key: bytes, context: bytes) -> BidContent:
    return unpack(crypto.decrypt(bytes(ciphertext), associated_data=context, key=key))


# --- passphrase wrapping ---------------------------------------------------------------------------

def _kek(passphrase: str, salt: bytes, kdf: str) -> bytes:
    name, n, r, p = kdf.split(":")
    if name != "scrypt" or int(n) < SCRYPT_N_MIN:
        raise DecryptionError("解密失败:不支持的口令派生方式")
    return Scrypt(salt=salt, length=crypto.KEY_SIZE, n=int(n), r=int(r), p=int(p)).derive(passphrase.encode("utf-8"))


def wrap_with_passphrase(secret: bytes, *, passphrase: str, context: bytes) -> tuple[bytes, bytes, str]:
    """``(salt, sealed secret, kdf label)``."""
    salt = os.urandom(SALT_SIZE)
    label = _kdf_override.get() or KDF_LABEL
    sealed = crypto.encrypt(secret, associated_data=b"wrap|" + context, key=_kek(passphrase, salt, label))
    return salt, sealed, label


def unwrap_with_passphrase(sealed: bytes, *, passphrase: str, salt: bytes, kdf: str, context: bytes) -> bytes:
    """The secret, or :class:`DecryptionError` for a wrong passphrase (or a damaged row)."""
    return crypto.decrypt(bytes(sealed), associated_data=b"wrap|" + context,
                          key=_kek(passphrase or "", bytes(salt), kdf))


# --- custodians --------------------------------------------------------------------------------------

def custodian_keypair(*, passphrase: str, context: bytes) -> tuple[bytes, bytes, bytes, str]:
    """``(public key, salt, sealed private key, kdf label)`` for a new custodian."""
    private = X25519PrivateKey.generate()
    raw = private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                serialization.NoEncryption())
    public = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    salt, sealed, kdf = wrap_with_passphrase(raw, passphrase=passphrase, context=b"custodian|" + context)
    return public, salt, sealed, kdf


def _share_key(shared: bytes, context: bytes) -> bytes:
    return HKDF(algorithm=hashes.SM3(), length=crypto.KEY_SIZE, salt=None,
                info=b"zhengwu.bid-share|" + context).derive(shared)


def split_key(key: bytes, *, k: int, n: int) -> list[tuple[int, bytes]]:
    return Shamir.split(k, n, key)


def combine_shares(shares: list[tuple[int, bytes]]) -> bytes:
    return Shamir.combine(shares)


def seal_share(share: bytes, *, public_key: bytes, context: bytes) -> tuple[bytes, bytes]:
    """``(ephemeral public key, sealed share)`` for one custodian."""
    ephemeral = X25519PrivateKey.generate()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(bytes(public_key)))
    ephemeral_public = ephemeral.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    sealed = crypto.encrypt(share, associated_data=b"share|" + context, key=_share_key(shared, context))
    return ephemeral_public, sealed


def open_share(sealed: bytes, *, ephemeral_public_key: bytes, private_key_sealed: bytes, salt: bytes, kdf: str,
               passphrase: str, custodian_context: bytes, context: bytes) -> bytes:
    """One share, or :class:`DecryptionError` (a wrong custodian passphrase, or a damaged share)."""
    raw = unwrap_with_passphrase(private_key_sealed, passphrase=passphrase, salt=salt, kdf=kdf,
                                 context=b"custodian|" + custodian_context)
    private = X25519PrivateKey.from_private_bytes(raw)
    shared = private.exchange(X25519PublicKey.from_public_bytes(bytes(ephemeral_public_key)))
    return crypto.decrypt(bytes(sealed), associated_data=b"share|" + context, key=_share_key(shared, context))
