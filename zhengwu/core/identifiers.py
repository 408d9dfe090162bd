"""Chinese identifiers: validation, masking and test-data helpers.

* Resident ID number (居民身份证号码, GB 11643-1999): 18 characters, 6-digit
  region code, 8-digit birth date, 3-digit sequence (odd = male, even =
  female) and an ISO 7064 MOD 11-2 check character (0-9 or X).
* Unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters
  from ``0-9A-Z`` without I, O, Z, S, V; registration authority and entity
  type (2), region code (6 digits), organisation code (9), check character.
* Mainland mobile number: ``1[3-9]`` followed by 9 digits.

Every ``validate_*`` normalizes first (full-width characters folded with
NFKC, spaces removed, letters upper-cased) and returns the normalized value,
or raises :class:`~zhengwu.core.errors.InvalidInput` with a Chinese message,
the field name and a stable code.

Deliberate choices:

* The region code of an ID number is not checked against the division table:
  the table changes (districts merge and are re-coded) while people keep the
  number they were issued, so a lookup would refuse real citizens.
* A credit code may start with a letter (``N2…`` for a village collective
  economic organisation, ``Y1…`` for "other" authorities); python-stdnum's
  ``validate`` insists on 8 leading digits, so only its check character
  calculation is used.

Masking keeps what staff need to tell records apart and nothing more:
ID number first 6 + last 4 (``110105********002X``), mobile first 3 + last 4
(``138****8000``), credit code first 6 + last 4, the same shape as the ID
number (``911100********341L``), name first character (``张*``). A value too
short for its rule is masked entirely; empty input gives ``""``.
"""

from __future__ import annotations

import random
import re
import unicodedata
from datetime import date, timedelta

from stdnum.cn import ric, uscc

from zhengwu.core.errors import InvalidInput

ID_CARD_LENGTH = 18
CREDIT_CODE_LENGTH = 18
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_FORBIDDEN = "IOZSV"
EARLIEST_BIRTH_YEAR = 1900

_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
_WHITESPACE = re.compile(r"\s+")


def _normalize(value: object, *, drop: str = "") -> str:
    """NFKC (full-width to ASCII), no whitespace or ``drop`` characters, upper case."""
    if value is None:
        return ""
    text = _WHITESPACE.sub("", unicodedata.normalize("NFKC", str(value)))
    for char in drop:
        text = text.replace(char, "")
    return text.upper()


def _today() -> date:
    from django.core.exceptions import ImproperlyConfigured
    from django.utils import timezone

    try:
        return timezone.localdate()
    except (ImproperlyConfigured, ValueError):  # settings absent, or USE_TZ off
        return date.today()


# --- resident ID number -------------------------------------------------------

def _parse_birth_date(number: str) -> date | None:
    try:
        return ric.get_birth_date(number)
    except Exception:
        return None


def validate_id_card(value: str, *, field: str = "id_number", today: date | None = None) -> str:
    """Return the normalized 18-character resident ID number or raise InvalidInput."""
    number = _normalize(value)
    if not number:
        raise InvalidInput("请填写身份证号码", field=field, code="id_card_required")
    if len(number) != ID_CARD_LENGTH:
        hint = "（15位旧号码已停用，请填写18位号码）" if len(number) == 15 else ""
        raise InvalidInput(f"身份证号码应为18位，当前为{len(number)}位{hint}", field=field,
                           code="id_card_length")
    if not re.fullmatch(r"[0-9]{17}[0-9X]", number):
        raise InvalidInput("身份证号码只能由数字组成，最后一位可以是X", field=field,
                           code="id_card_characters")
    birth = _parse_birth_date(number)
    if birth is None or birth.year < EARLIEST_BIRTH_YEAR:
        shown = f"{number[6:10]}-{number[10:12]}-{number[12:14]}"
        problem = "不存在" if birth is None else f"早于{EARLIEST_BIRTH_YEAR}年，不合理"
        raise InvalidInput(f"身份证号码中的出生日期 {shown} {problem}", field=field,
                           code="id_card_birth_date")
    if birth > (today or _today()):
        raise InvalidInput(f"身份证号码中的出生日期 {birth.isoformat()} 晚于今天", field=field,
                           code="id_card_future_birth_date")
    if number[-1] != ric.calc_check_digit(number):
        raise InvalidInput("身份证号码校验位错误，请核对号码", field=field, code="id_card_check_digit")
    return number


def birth_date_from_id(number: str) -> date:
    """The birth date written in a (valid) ID number."""
    return ric.get_birth_date(validate_id_card(number))


def gender_from_id(number: str) -> str:
    """"男" when the sequence (17th digit) is odd, "女" when it is even."""
    return "男" if int(validate_id_card(number)[16]) % 2 else "女"


# --- unified social credit code -----------------------------------------------

def validate_credit_code(value: str, *, field: str = "credit_code") -> str:
    """Return the normalized 18-character unified social credit code or raise InvalidInput."""
    code = _normalize(value, drop="-")
    if not code:
        raise InvalidInput("请填写统一社会信用代码", field=field, code="credit_code_required")
    if len(code) != CREDIT_CODE_LENGTH:
        raise InvalidInput(f"统一社会信用代码应为18位，当前为{len(code)}位", field=field,
                           code="credit_code_length")
    for position, char in enumerate(code, start=1):
        if char in CREDIT_CODE_FORBIDDEN:
            raise InvalidInput(f"统一社会信用代码第{position}位为“{char}”，代码中不使用字母 I、O、Z、S、V",
                               field=field, code="credit_code_characters")
        if char not in CREDIT_CODE_ALPHABET:
            raise InvalidInput(f"统一社会信用代码第{position}位“{char}”不是有效字符，只能使用数字和大写字母",
                               field=field, code="credit_code_characters")
    if not code[2:8].isdigit():
        raise InvalidInput("统一社会信用代码第3至8位（登记管理机关行政区划码）应为数字", field=field,
                           code="credit_code_characters")
    if code[-1] != uscc.calc_check_digit(code):
        raise InvalidInput("统一社会信用代码校验码错误，请核对代码", field=field,
                           code="credit_code_check_digit")
    return code


# --- mobile number --------------------------------------------------------------

def validate_mobile(value: str, *, field: str = "phone") -> str:
    """Return the 11-digit mainland mobile number (no +86, spaces or hyphens) or raise InvalidInput."""
    number = _normalize(value, drop="-")
    if not number:
        raise InvalidInput("请填写手机号码", field=field, code="mobile_required")
    for prefix in ("+86", "0086"):
        if number.startswith(prefix):
            number = number[len(prefix):]
            break
    if not _MOBILE.match(number):
        raise InvalidInput("手机号码应为以1开头的11位数字", field=field, code="mobile_invalid")
    return number


# --- masking --------------------------------------------------------------------

def _mask_middle(value: str | None, *, keep_start: int, keep_end: int, min_length: int) -> str:
    text = _WHITESPACE.sub("", value or "")
    if not text:
        return ""
    if len(text) < min_length:
        return "*" * len(text)
    return text[:keep_start] + "*" * (len(text) - keep_start - keep_end) + text[len(text) - keep_end:]


def mask_id_card(value: str | None) -> str:
    """``110105********002X``: region and last 4 kept; the birth date never shown."""
    return _mask_middle(value, keep_start=6, keep_end=4, min_length=15)


def mask_credit_code(value: str | None) -> str:
    """``911100********341L``: first 6 and last 4 kept, like an ID number."""
    return _mask_middle(value, keep_start=6, keep_end=4, min_length=15)


def mask_phone(value: str | None) -> str:
    """``138****8000``; a shorter (landline) number keeps only its last 4 digits."""
    text = _WHITESPACE.sub("", value or "")
    if len(text) >= 11:
        return _mask_middle(text, keep_start=3, keep_end=4, min_length=11)
    return _mask_middle(text, keep_start=0, keep_end=4, min_length=7)


def mask_name(value: str | None) -> str:
    """``张*``, ``欧***``: the first character kept; a one-character name fully masked."""
    text = (value or "").strip()
    if len(text) <= 1:
        return "*" * len(text)
    return text[0] + "*" * (len(text) - 1)


# --- test data ------------------------------------------------------------------

def make_id_card(*, region: str = "330702", birth: date | None = None, seq: int | None = None,
                 gender: str | None = None, rng: random.Random | None = None) -> str:
    """A valid ID number. Missing parts come from ``rng`` (seeded by the caller) or fixed defaults.

    ``gender`` ("男"/"女") moves ``seq`` to the next number of the right parity.
    """
    if not re.fullmatch(r"[0-9]{6}", region):
        raise ValueError(f"region must be 6 digits, got {region!r}")
    if birth is None:
        birth = (date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 65))) if rng else date(1980, 1, 1)
    if seq is None:
        seq = rng.randrange(1000) if rng else 1
    if not 0 <= seq <= 999:
        raise ValueError(f"seq must be between 0 and 999, got {seq}")
    if gender is not None:
        if gender not in ("男", "女"):
            raise ValueError(f"gender must be '男' or '女', got {gender!r}")
        if (seq % 2 == 1) != (gender == "男"):
            seq = (seq + 1) % 1000
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def make_credit_code(rng: random.Random | None = None, *, region: str = "330702", authority: str = "9",
                     kind: str = "1") -> str:
    """A valid credit code (default: an enterprise, 91…, registered in ``region``).

    Without ``rng`` the organisation code comes from ``random.Random(0)``: the same code every call.
    """
    if not re.fullmatch(r"[0-9]{6}", region):
        raise ValueError(f"region must be 6 digits, got {region!r}")
    rng = rng or random.Random(0)
    organisation = "".join(rng.choice(CREDIT_CODE_ALPHABET) for _ in range(9))
    body = f"{authority}{kind}{region}{organisation}"
    return body + uscc.calc_check_digit(body)
