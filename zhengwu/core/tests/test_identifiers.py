"""Resident ID numbers, credit codes, mobiles: validation, masking, test-data helpers."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from zhengwu.core.errors import InvalidInput
from zhengwu.core.identifiers import (
    CREDIT_CODE_ALPHABET,
    birth_date_from_id,
    gender_from_id,
    make_credit_code,
    make_id_card,
    mask_credit_code,
    mask_id_card,
    mask_name,
    mask_phone,
    validate_credit_code,
    validate_id_card,
    validate_mobile,
)

PROPERTY = settings(derandomize=True, database=None, deadline=None, max_examples=300)
VALID_ID = "11010519491231002X"  # GB 11643 example: Beijing Chaoyang, 1949-12-31, female
VALID_CREDIT_CODE = "91110000600037341L"
TODAY = date(2024, 5, 1)

regions = st.from_regex(r"[0-9]{6}", fullmatch=True)
births = st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31))
sequences = st.integers(min_value=0, max_value=999)
id_cards = st.builds(make_id_card, region=regions, birth=births, seq=sequences)
credit_codes = st.builds(make_credit_code, st.randoms(use_true_random=False))


def with_check_digit(body: str) -> str:
    """17 digits + the correct check digit, for bodies make_id_card cannot build (impossible dates)."""
    return body + ric.calc_check_digit(body + "0")


def refusal(func, value, **kwargs) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        func(value, **kwargs)
    return caught.value


# --- resident ID number -----------------------------------------------------------

def test_a_valid_id_number_is_returned_normalized():
    assert validate_id_card(" 1101 0519 4912 3100 2x ") == VALID_ID


def test_a_full_width_id_number_is_folded_to_ascii():
    assert validate_id_card("１１０１０５１９４９１２３１００２Ｘ") == VALID_ID


@pytest.mark.parametrize("value", ["", "   ", None])
def test_an_empty_id_number_is_refused_as_required(value):
    error = refusal(validate_id_card, value)
    assert (error.code, error.field, error.message) == ("id_card_required", "id_number", "请填写身份证号码")


def test_a_short_id_number_is_refused_naming_the_length_found_and_expected():
    error = refusal(validate_id_card, "1101051949123100")
    assert error.code == "id_card_length"
    assert "18位" in error.message and "当前为16位" in error.message


def test_an_old_fifteen_digit_number_is_refused_with_a_hint():
    error = refusal(validate_id_card, "110105491231002")
    assert error.code == "id_card_length"
    assert "15位旧号码" in error.message


@pytest.mark.parametrize("value", ["11010519491231002A", "1101051949123X002X", "11010519491231002？"])
def test_letters_or_symbols_in_an_id_number_are_refused(value):
    assert refusal(validate_id_card, value).code == "id_card_characters"


@pytest.mark.parametrize("body", ["11010519490231002", "11010519491301002", "11010518501231002"])
def test_an_impossible_birth_date_is_refused_even_with_a_correct_check_digit(body):
    error = refusal(validate_id_card, with_check_digit(body))
    assert error.code == "id_card_birth_date"
    assert "出生日期" in error.message


def test_a_birth_date_after_today_is_refused():
    number = make_id_card(birth=TODAY + timedelta(days=1), seq=1)
    error = refusal(validate_id_card, number, today=TODAY)
    assert error.code == "id_card_future_birth_date"
    assert "晚于今天" in error.message


def test_the_future_check_uses_the_real_date_when_none_is_given():
    number = make_id_card(birth=date.today() + timedelta(days=400), seq=1)
    assert refusal(validate_id_card, number).code == "id_card_future_birth_date"


def test_a_baby_born_today_is_accepted():
    number = make_id_card(birth=TODAY, seq=1)
    assert validate_id_card(number, today=TODAY) == number


def test_a_wrong_check_digit_is_refused():
    error = refusal(validate_id_card, "110105194912310021")
    assert (error.code, error.message) == ("id_card_check_digit", "身份证号码校验位错误，请核对号码")


def test_the_field_name_given_is_carried_by_the_error():
    assert refusal(validate_id_card, "123", field="agent_id_number").field == "agent_id_number"


def test_birth_date_and_gender_are_read_from_the_number():
    assert birth_date_from_id(VALID_ID) == date(1949, 12, 31)
    assert gender_from_id(VALID_ID) == "女"
    assert gender_from_id(make_id_card(birth=date(1990, 1, 1), seq=2, gender="男")) == "男"


def test_birth_date_from_an_invalid_number_is_refused():
    assert refusal(birth_date_from_id, "110105194912310021").code == "id_card_check_digit"


@PROPERTY
@given(number=id_cards)
def test_every_generated_id_number_validates(number):
    assert validate_id_card(number) == number


@PROPERTY
@given(number=id_cards, position=st.integers(min_value=0, max_value=17), data=st.data())
def test_changing_any_one_character_of_a_valid_id_number_makes_it_fail(number, position, data):
    replacement = data.draw(st.sampled_from([c for c in "0123456789X" if c != number[position]]))
    changed = number[:position] + replacement + number[position + 1:]
    with pytest.raises(InvalidInput):
        validate_id_card(changed)


@PROPERTY
@given(birth=births, seq=sequences, gender=st.sampled_from(["男", "女"]))
def test_the_gender_asked_of_make_id_card_is_the_gender_read_back(birth, seq, gender):
    assert gender_from_id(make_id_card(birth=birth, seq=seq, gender=gender)) == gender


def test_make_id_card_fills_missing_parts_from_the_seeded_random():
    numbers = [make_id_card(rng=random.Random(7)) for _ in range(2)]
    assert numbers[0] == numbers[1]
    assert validate_id_card(numbers[0]) == numbers[0]


@pytest.mark.parametrize("kwargs", [{"region": "33070"}, {"region": "33070A"}, {"seq": 1000}, {"gender": "M"}])
def test_make_id_card_refuses_impossible_parts(kwargs):
    with pytest.raises(ValueError):
        make_id_card(birth=date(1990, 1, 1), **kwargs)


# --- unified social credit code ----------------------------------------------------------

def test_a_valid_credit_code_is_returned_normalized():
    assert validate_credit_code(" 9111-0000-6000-3734-1l ") == VALID_CREDIT_CODE


def test_a_credit_code_starting_with_a_letter_is_accepted():
    code = make_credit_code(random.Random(3), authority="N", kind="2")
    assert validate_credit_code(code) == code


def test_an_empty_credit_code_is_refused_as_required():
    error = refusal(validate_credit_code, " ")
    assert (error.code, error.field) == ("credit_code_required", "credit_code")


def test_a_short_credit_code_is_refused_naming_the_length():
    error = refusal(validate_credit_code, "9111000060003734")
    assert error.code == "credit_code_length"
    assert "18位" in error.message and "当前为16位" in error.message


@pytest.mark.parametrize("letter", list("IOZSV"))
def test_the_letters_i_o_z_s_v_are_refused_by_name(letter):
    error = refusal(validate_credit_code, f"91110000{letter}00037341L")
    assert error.code == "credit_code_characters"
    assert f"第9位为“{letter}”" in error.message and "I、O、Z、S、V" in error.message


@pytest.mark.parametrize("value", ["9111000060003734#L", "9111000060003734４甲"])
def test_symbols_in_a_credit_code_are_refused(value):
    assert refusal(validate_credit_code, value).code == "credit_code_characters"


def test_a_letter_in_the_region_part_of_a_credit_code_is_refused():
    error = refusal(validate_credit_code, "91A10000600037341L")
    assert error.code == "credit_code_characters"
    assert "第3至8位" in error.message


def test_a_wrong_credit_code_check_character_is_refused():
    assert refusal(validate_credit_code, "91110000600037341M").code == "credit_code_check_digit"


@PROPERTY
@given(code=credit_codes)
def test_every_generated_credit_code_validates(code):
    assert validate_credit_code(code) == code
    assert uscc.is_valid(code)


@PROPERTY
@given(code=credit_codes, position=st.integers(min_value=0, max_value=17), data=st.data())
def test_changing_any_one_character_of_a_credit_code_makes_it_fail(code, position, data):
    replacement = data.draw(st.sampled_from([c for c in CREDIT_CODE_ALPHABET if c != code[position]]))
    with pytest.raises(InvalidInput):
        validate_credit_code(code[:position] + replacement + code[position + 1:])


def test_make_credit_code_is_deterministic_for_a_seed():
    assert make_credit_code(random.Random(11)) == make_credit_code(random.Random(11))


# --- mobile numbers ------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["13800138000", "138 0013 8000", "138-0013-8000", "+86 13800138000",
                                   "0086-138-0013-8000", "＋８６１３８００１３８０００"])
def test_a_mobile_number_is_returned_as_eleven_digits(value):
    assert validate_mobile(value) == "13800138000"


@pytest.mark.parametrize("value", ["12800138000", "1380013800", "138001380000", "23800138000", "1380013800a",
                                   "8613800138000", "057912345678"])
def test_a_number_that_is_not_a_mainland_mobile_is_refused(value):
    error = refusal(validate_mobile, value)
    assert (error.code, error.field) == ("mobile_invalid", "phone")


def test_an_empty_mobile_number_is_refused_as_required():
    assert refusal(validate_mobile, "", field="contact_phone").field == "contact_phone"


# --- masking -------------------------------------------------------------------------------

def test_masks_keep_only_the_agreed_parts():
    assert mask_id_card(VALID_ID) == "110105********002X"
    assert mask_phone("13800138000") == "138****8000"
    assert mask_credit_code(VALID_CREDIT_CODE) == "911100********341L"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧***"


@pytest.mark.parametrize("mask", [mask_id_card, mask_phone, mask_credit_code, mask_name])
@pytest.mark.parametrize("value", ["", None])
def test_masks_give_an_empty_string_for_empty_input(mask, value):
    assert mask(value) == ""


@pytest.mark.parametrize(("mask", "value", "expected"), [
    (mask_id_card, "110105", "******"),
    (mask_credit_code, "911100006", "*********"),
    (mask_phone, "12345", "*****"),
    (mask_phone, "82345678", "****5678"),
    (mask_name, "张", "*"),
])
def test_masks_hide_short_values_entirely_or_keep_at_most_the_tail(mask, value, expected):
    assert mask(value) == expected


@PROPERTY
@given(number=id_cards)
def test_an_id_mask_never_reveals_the_birth_date(number):
    masked = mask_id_card(number)
    assert masked == number[:6] + "********" + number[-4:]
    assert number[6:14] not in masked


@PROPERTY
@given(number=st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_a_phone_mask_never_reveals_the_middle_four_digits(number):
    assert mask_phone(number) == number[:3] + "****" + number[7:]
