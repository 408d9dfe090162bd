"""Model fields for personal data: SM4-GCM encrypted at rest, found by a blind index.

The pattern every model holding an ID number or a phone follows::

    class Person(models.Model):
        id_number = EncryptedCharField(_("身份证号"), blank=True)
        id_number_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    # in the service that writes it (never in the model or a form):
    person.id_number = validate_id_card(raw)
    person.id_number_index = index_for(person.id_number, purpose="id_number")

    # in the selector that finds it:
    Person.objects.filter(id_number_index=index_for(validate_id_card(raw), purpose="id_number"))

* The column holds ``encrypt_text(value)`` with the associated data
  ``"<app_label>.<model>.<field>"`` (``b"org.person.id_number"``): a
  ciphertext copied into another column or table fails to decrypt. Renaming
  the model or the field changes that label; pass ``associated_label=`` with
  the old label to keep existing rows readable.
* Each write uses a fresh nonce, so equal values give different ciphertexts:
  the field refuses every lookup except ``isnull`` (and ``unique=True`` is
  meaningless); exact lookups go through the ``*_index`` column, which a
  unique constraint may cover (``condition=~Q(id_number_index="")``).
* ``index_for`` (the keyed SM3 blind index of :mod:`zhengwu.core.crypto`)
  returns ``""`` for an empty value. The purpose names the kind of value
  (``"id_number"``, ``"phone"``); give a different purpose where two tables
  must not be linkable by the same number.
* ``None`` stays ``NULL`` and ``""`` stays ``""`` (not encrypted): emptiness is
  not secret and keeps ``blank=True`` forms working.
* ``dumpdata`` writes the decrypted value; treat fixtures as personal data.
"""

from __future__ import annotations

from typing import Any

from django.core import validators
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.core.crypto import blind_index, decrypt_text, encrypt_text, index_for

__all__ = ["EncryptedCharField", "blind_index", "index_for"]


class EncryptedCharField(models.TextField):
    """A short text (ID number, phone) stored as an SM4-GCM token; reads give the plaintext."""

    description = _("加密文本（SM4-GCM）")

    def __init__(self, *args: Any, associated_label: str | None = None, **kwargs: Any) -> None:
        self.associated_label = associated_label
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            # Like CharField: validates the plaintext; not part of deconstruct().
            self.validators.append(validators.MaxLengthValidator(self.max_length))

    # --- the context the ciphertext is bound to ---------------------------------------

    @property
    def label(self) -> str:
        if self.associated_label:
            return self.associated_label
        model = getattr(self, "model", None)
        if model is None or not self.name:
            raise ImproperlyConfigured(
                "EncryptedCharField is not attached to a model: add it to a model class "
                "(or pass associated_label=...) before saving or reading values."
            )
        return f"{model._meta.label_lower}.{self.name}"

    def associated_data(self) -> bytes:
        return self.label.encode("utf-8")

    # --- conversion -------------------------------------------------------------------

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt_text(value, associated_data=self.associated_data())

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt_text(value, associated_data=self.associated_data())

    # --- lookups ----------------------------------------------------------------------

    def _refuse(self, name: str) -> FieldError:
        try:
            label = self.label
        except ImproperlyConfigured:
            label = "EncryptedCharField"
        return FieldError(
            f"{label} is encrypted with a random nonce and cannot be queried with '__{name}'. "
            f"Filter on its blind index instead, e.g. "
            f"{self.name or 'field'}_index=index_for(value, purpose=...) (see zhengwu/core/fields.py)."
        )

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        raise self._refuse(lookup_name)

    def get_transform(self, lookup_name: str) -> Any:
        raise self._refuse(lookup_name)

    # --- migrations and forms -----------------------------------------------------------

    def deconstruct(self) -> tuple[str, str, list[Any], dict[str, Any]]:
        name, path, args, kwargs = super().deconstruct()
        if self.associated_label:
            kwargs["associated_label"] = self.associated_label
        return name, path, args, kwargs

    def formfield(self, **kwargs: Any) -> Any:
        # A one-line input, not TextField's textarea.
        return models.Field.formfield(self, **{"max_length": self.max_length, **kwargs})
