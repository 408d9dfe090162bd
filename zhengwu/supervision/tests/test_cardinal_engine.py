"""Edge cases of the Cardinal engine beyond the peer fixtures: skips, currencies, settings, statistics, JSON Lines."""

from __future__ import annotations

import json
import random

import pytest

from zhengwu.supervision.cardinal import JsonlError, Settings, SettingsError, run, run_jsonl
from zhengwu.supervision.cardinal import stats


def bid(tenderer, amount=None, status="valid", currency="CNY", date=None):
    row = {"status": status, "tenderers": [{"id": tenderer}]}
    if amount is not None:
        row["value"] = {"amount": amount, "currency": currency}
    if date:
        row["date"] = date
    return row


def process(ocid, bids, winner=None, award_status="active", **tender):
    release = {"ocid": ocid, "bids": {"details": bids}, "tender": tender}
    if winner is not None:
        release["awards"] = [{"status": award_status, "suppliers": [{"id": winner}]}]
    return release


def r036_case(ocid, currency="CNY", **tender):
    return process(ocid, [bid("D", 1, "disqualified", currency), bid("V", 2, "valid", currency)], winner="V",
                   **tender)


# --- skips ----------------------------------------------------------------------------------------------------------

def test_a_cancelled_tender_is_skipped_by_every_indicator():
    release = r036_case("C", status="cancelled", numberOfTenderers=1, procurementMethod="open")

    assert run([release], Settings.all_enabled()) == {}


def test_a_release_whose_ocid_is_not_a_string_is_skipped():
    release = {"ocid": 7, "tender": {"numberOfTenderers": 1, "procurementMethod": "open"}}

    assert run([release], Settings.build({"R018": {}})) == {}


def test_an_excluded_procurement_method_details_skips_the_process_but_others_run():
    releases = [{"ocid": "x", "tender": {"numberOfTenderers": 1, "procurementMethod": "open",
                                          "procurementMethodDetails": "EXC"}},
                {"ocid": "y", "tender": {"numberOfTenderers": 1, "procurementMethod": "open"}}]

    assert run(releases, Settings.build({"R018": {}}, exclusions="EXC|OTHER")) == {"OCID": {"y": {"R018": 1.0}}}


def test_a_single_bid_counted_as_a_float_is_not_a_single_bid():
    release = {"ocid": "f", "tender": {"numberOfTenderers": 1.0, "procurementMethod": "open"}}

    assert run([release], Settings.build({"R018": {}})) == {}


# --- currencies -----------------------------------------------------------------------------------------------------

def test_amounts_in_another_currency_than_the_main_one_are_left_out():
    releases = [r036_case("usd", currency="USD"), r036_case("cny", currency="CNY")]

    assert run(releases, Settings.build({"R036": {}}, currency="CNY")) == {"OCID": {"cny": {"R036": 1.0}}}


def test_without_a_currency_setting_the_first_currency_observed_in_the_input_is_the_main_one():
    releases = [r036_case("usd", currency="USD"), r036_case("cny", currency="CNY")]

    assert run(releases, Settings.build({"R036": {}})) == {"OCID": {"usd": {"R036": 1.0}}}


def test_the_first_currency_is_the_first_in_file_order_even_across_parallel_workers(tmp_path):
    lines = [r036_case(f"usd{i}", currency="USD") for i in range(50)]
    lines += [r036_case(f"cny{i}", currency="CNY") for i in range(50)]
    path = tmp_path / "mixed.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in lines))

    result = run_jsonl(path, Settings.build({"R036": {}}), workers=2)

    assert sorted(result["OCID"]) == sorted(f"usd{i}" for i in range(50))


def test_price_comparison_procurement_methods_override_the_no_price_comparison_list():
    releases = [r036_case("a", procurementMethodDetails="A"), r036_case("b", procurementMethodDetails="B"),
                r036_case("none")]
    settings = Settings.build({"R036": {}}, no_price_comparison="A", price_comparison="A")

    assert run(releases, settings) == {"OCID": {"a": {"R036": 1.0}}}


# --- indicators -----------------------------------------------------------------------------------------------------

def test_the_submission_period_counts_whole_days_truncated_and_skips_dates_without_an_offset():
    releases = [{"ocid": "short", "tender": {"tenderPeriod": {"startDate": "2024-03-01T09:00:00+08:00",
                                                              "endDate": "2024-03-16T08:59:59+08:00"}}},
                {"ocid": "enough", "tender": {"tenderPeriod": {"startDate": "2024-03-01T09:00:00+08:00",
                                                               "endDate": "2024-03-16T01:00:00Z"}}},
                {"ocid": "no offset", "tender": {"tenderPeriod": {"startDate": "2024-03-01T09:00:00",
                                                                  "endDate": "2024-03-02T09:00:00"}}}]

    assert run(releases, Settings.build({"R003": {}})) == {"OCID": {"short": {"R003": 1.0}}}


def test_price_close_to_winning_bid_is_skipped_when_most_processes_have_no_difference():
    releases = [process(str(i), [bid("W", 100), bid("L", 100)], winner="W") for i in range(8)]

    assert run(releases, Settings.build({"R024": {}})) == {}


def test_a_late_valid_bid_of_the_winner_flags_the_process_and_the_tenderer():
    release = process("late", [bid("W", 10, date="2024-03-22T10:00:00+08:00")], winner="W",
                      tenderPeriod={"endDate": "2024-03-21T09:30:00+08:00"})

    assert run([release], Settings.build({"R030": {}})) == {"OCID": {"late": {"R030": 1.0}},
                                                            "Tenderer": {"W": {"R030": 1.0}}}


def test_a_fixed_threshold_replaces_the_quartile_fence():
    releases = [process("near", [bid("W", 100), bid("L", 101)], winner="W"),
                process("far", [bid("W", 100), bid("L", 150)], winner="W")]

    result = run(releases, Settings.build({"R024": {"threshold": 0.05}}))

    assert result == {"OCID": {"near": {"R024": 0.01}}, "Tenderer": {"W": {"R024": 0.0}, "L": {"R024": 0.0}}}


# --- settings -------------------------------------------------------------------------------------------------------

def test_a_cardinal_settings_file_sets_globals_exclusions_and_per_method_thresholds():
    settings = Settings.from_ini("currency = CNY\nno_price_comparison_procurement_methods = 单一来源|询价\n"
                                 "[exclusions]\nprocurement_method_details = 拍卖\n[R003]\nthreshold = 20\n"
                                 "[R003.procurement_method_details]\nemergency = 10\n[R048]\n; digits = 3\n"
                                 "[defaults]\ncurrency = CNY\n")

    assert settings.currency == "CNY"
    assert settings.no_price_comparison_procurement_methods == {"单一来源", "询价"}
    assert settings.excluded_procurement_method_details == {"拍卖"}
    assert settings.indicators == {"R003": {"threshold": 20, "procurement_method_details": {"emergency": 10}},
                                   "R048": {}}


def test_an_unknown_setting_is_refused_naming_the_setting():
    with pytest.raises(SettingsError) as error:
        Settings.from_ini("[R024]\nthreshhold = 0.1\n")

    assert error.value.field == "R024.threshhold"


def test_a_non_numeric_threshold_is_refused_naming_the_setting():
    with pytest.raises(SettingsError) as error:
        Settings.build({"R035": {"threshold": "many"}})

    assert error.value.field == "R035.threshold"


def test_a_fixture_name_with_a_map_sets_the_per_method_thresholds():
    settings = Settings.from_fixture_name("R003-procurement_method_details-x-5-y-10")

    assert settings.indicators == {"R003": {"procurement_method_details": {"x": 5, "y": 10}}}


def test_a_plus_in_a_fixture_name_stands_for_a_pipe():
    settings = Settings.from_fixture_name("R018-procurement_methods-open+limited")

    assert settings.option("R018", "procurement_methods") == {"open", "limited"}


# --- statistics -----------------------------------------------------------------------------------------------------

def test_quartiles_follow_hyndman_and_fan_definition_8_like_statrs():
    q1, q3 = stats.quartiles([1.0, 2.0, 3.0, 4.0])

    assert q1 == pytest.approx(1 + 5 / 12)
    assert q3 == pytest.approx(3 + 7 / 12)
    assert stats.percentile([1.0] * 9 + [10.0], 75) == 1.0


def test_the_quartile_of_no_values_is_not_a_number_and_flags_nothing():
    q1, _q3 = stats.quartiles([])

    assert q1 != q1


# --- JSON Lines -----------------------------------------------------------------------------------------------------

def test_a_bad_json_line_is_reported_with_its_line_number(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"ocid": "a"}\n\n{"ocid": "b"}\n{"ocid": \n{"ocid": "c"}\n')

    with pytest.raises(JsonlError) as error:
        run_jsonl(path, Settings.all_enabled(), workers=2)

    assert error.value.line == 4


def test_a_missing_file_is_reported_without_a_line(tmp_path):
    with pytest.raises(JsonlError) as error:
        run_jsonl(tmp_path / "absent.jsonl", Settings.all_enabled())

    assert error.value.line is None


def test_parallel_workers_give_the_same_result_as_one_pass(tmp_path):
    rng = random.Random(6)
    releases = []
    for i in range(300):
        n = rng.randint(1, 5)
        bids = [bid(f"T{rng.randint(0, 30)}", rng.choice([100, 101, 110, 150, 200]),
                    rng.choice(["valid", "valid", "disqualified", "pending"])) for _ in range(n)]
        winner = rng.choice([b["tenderers"][0]["id"] for b in bids])
        release = process(f"p{i}", bids, winner=winner, numberOfTenderers=n, procurementMethod="open",
                          tenderPeriod={"startDate": "2024-03-01T09:00:00+08:00",
                                        "endDate": f"2024-03-{rng.randint(5, 28):02d}T09:00:00+08:00"})
        release["buyer"] = {"id": f"B{rng.randint(0, 5)}"}
        release["awards"][0]["items"] = [{"classification": {"id": f"{rng.randint(10, 20)}000000"}}]
        releases.append(release)
    path = tmp_path / "many.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in releases))
    settings = Settings.build({"R003": {}, "R018": {}, "R024": {}, "R025": {}, "R028": {}, "R035": {}, "R036": {},
                               "R038": {}, "R048": {"minimum_contracting_processes": 1}, "R058": {}})

    one = run(releases, settings)

    assert one  # the data set does flag something
    assert run_jsonl(path, settings, workers=3) == one
