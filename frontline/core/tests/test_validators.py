"""Tests of the kernel validators: IDs, mobiles, plates and regions (no database)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.utils import translation

# Run standalone (-p no:django) before or without the project settings: messages are
# lazy translations, rendered untranslated when i18n is off.
if not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE"):
    settings.configure(USE_I18N=False, USE_TZ=False)

from hypothesis import assume, given
from hypothesis import strategies as st

from frontline.core.errors import DomainError
from frontline.core.validators import (
    _REGIONS_FILE,
    format_plate,
    mask_mobile,
    mask_resident_id,
    province_choices,
    region_children,
    region_full_name,
    region_get,
    region_within,
    regions_search,
    regions_source,
    resident_id_check_digit,
    validate_mobile,
    validate_plate,
    validate_region_code,
    validate_resident_id,
)

TODAY = date(2025, 6, 15)
PROVINCE_PREFIXES = [*sorted(code[:2] for code, _name in province_choices()), "83"]
UNKNOWN_PREFIXES = sorted({f"{n:02d}" for n in range(100)} - set(PROVINCE_PREFIXES))


def check_char(first17: str) -> str:
    """Compute the GB 11643 check character independently of the code under test."""
    total = sum(int(d) * (2 ** (17 - i) % 11) for i, d in enumerate(first17))
    return "10X98765432"[total % 11]


def make_id(prefix: str, rest: str, birth: str, seq: str) -> str:
    """Assemble an ID number with a correct check character."""
    first17 = prefix + rest + birth + seq
    return first17 + check_char(first17)


def raises(code: str, fn: Callable[..., object], *args: Any, **kwargs: Any) -> DomainError:
    """Call fn expecting a DomainError with this code; return it."""
    with pytest.raises(DomainError) as info:
        fn(*args, **kwargs)
    assert info.value.code == code, (info.value.code, str(info.value))
    return info.value


def english(err: DomainError) -> str:
    """Render the message in English (the msgid), whatever the default language."""
    with translation.override("en"):
        return str(err)


prefixes = st.sampled_from(PROVINCE_PREFIXES)
region_rest = st.from_regex(r"[0-9]{4}", fullmatch=True)
sequences = st.from_regex(r"[0-9]{3}", fullmatch=True)
birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)


@st.composite
def valid_ids(draw: st.DrawFn) -> tuple[str, date, str]:
    """Draw a valid ID number with its birth date and sequence."""
    birth = draw(birth_dates)
    seq = draw(sequences)
    number = make_id(draw(prefixes), draw(region_rest), birth.strftime("%Y%m%d"), seq)
    return number, birth, seq


# --- resident ID numbers -------------------------------------------------------------


@given(valid_ids())
def test_valid_ids_validate(case: tuple[str, date, str]) -> None:
    number, birth, seq = case
    rid = validate_resident_id(number, today=TODAY)
    assert rid.number == number
    assert rid.birth_date == birth
    assert rid.sex == ("M" if int(seq[2]) % 2 else "F")
    assert rid.region_code == number[:6]
    assert rid.province_name
    assert resident_id_check_digit(number[:17]) == number[17]


@given(valid_ids(), st.sampled_from([" ", "  ", "\u3000"]))
def test_lowercase_x_and_spaces_accepted(case: tuple[str, date, str], space: str) -> None:
    number = case[0]
    typed = f"{number[:6]}{space}{number[6:14]}{space}{number[14:]}".lower()
    assert validate_resident_id(f" {typed} ", today=TODAY).number == number


@given(valid_ids(), st.sampled_from("0123456789X"))
def test_wrong_check_digit_refused(case: tuple[str, date, str], wrong: str) -> None:
    number = case[0]
    assume(wrong != number[17])
    err = raises(
        "id_number.checksum",
        validate_resident_id,
        number[:17] + wrong,
        field="holder_id",
        today=TODAY,
    )
    assert err.field == "holder_id"
    assert err.params == {"expected": number[17]}
    assert "check digit" in english(err) and number[17] in english(err)


@given(
    prefixes,
    region_rest,
    sequences,
    st.one_of(
        st.builds(lambda y: f"{y:04d}0230", st.integers(1900, 2024)),
        st.builds(
            lambda y, d: f"{y:04d}0431" if d else f"{y:04d}1131",
            st.integers(1900, 2024),
            st.booleans(),
        ),
        st.builds(
            lambda y, m: f"{y:04d}{m:02d}01",
            st.integers(1900, 2024),
            st.sampled_from([0, 13, 20, 99]),
        ),
        st.builds(
            lambda y, m: f"{y:04d}{m:02d}00",
            st.integers(1900, 2024),
            st.integers(1, 12),
        ),
        st.builds(
            lambda y: f"{y:04d}0229",
            st.integers(1900, 2024).filter(lambda y: y % 4 or (y % 100 == 0 and y % 400)),
        ),
    ),
)
def test_impossible_birth_date_refused(prefix: str, rest: str, seq: str, birth: str) -> None:
    err = raises(
        "id_number.birth_date",
        validate_resident_id,
        make_id(prefix, rest, birth, seq),
        today=TODAY,
    )
    assert err.field == "id_number"
    assert err.params == {"value": birth}


@given(
    prefixes,
    region_rest,
    sequences,
    st.dates(min_value=TODAY + timedelta(days=1), max_value=date(2999, 12, 31)),
)
def test_future_birth_date_refused(prefix: str, rest: str, seq: str, birth: date) -> None:
    number = make_id(prefix, rest, birth.strftime("%Y%m%d"), seq)
    err = raises("id_number.birth_date_future", validate_resident_id, number, today=TODAY)
    assert err.field == "id_number"


def test_birth_today_accepted_and_tomorrow_refused() -> None:
    assert validate_resident_id(make_id("11", "0101", TODAY.strftime("%Y%m%d"), "123"), today=TODAY)
    tomorrow = make_id("11", "0101", (TODAY + timedelta(days=1)).strftime("%Y%m%d"), "123")
    raises("id_number.birth_date_future", validate_resident_id, tomorrow, today=TODAY)


def test_birth_date_defaults_to_today() -> None:
    future = make_id("11", "0101", f"{date.today().year + 1}0101", "123")
    raises("id_number.birth_date_future", validate_resident_id, future)


@given(
    prefixes,
    region_rest,
    sequences,
    st.dates(min_value=date(1000, 1, 1), max_value=date(1899, 12, 31)),
)
def test_birth_date_before_1900_refused(prefix: str, rest: str, seq: str, birth: date) -> None:
    number = make_id(prefix, rest, birth.strftime("%Y%m%d"), seq)
    raises("id_number.birth_date_too_early", validate_resident_id, number, today=TODAY)


@given(st.sampled_from(UNKNOWN_PREFIXES), region_rest, birth_dates, sequences)
def test_unknown_province_prefix_refused(prefix: str, rest: str, birth: date, seq: str) -> None:
    number = make_id(prefix, rest, birth.strftime("%Y%m%d"), seq)
    err = raises(
        "id_number.province",
        validate_resident_id,
        number,
        field="guardian_id",
        today=TODAY,
    )
    assert err.field == "guardian_id"
    assert err.params == {"prefix": prefix}


@given(st.from_regex(r"[0-9X]{1,40}", fullmatch=True).filter(lambda s: len(s) != 18))
def test_wrong_length_refused(value: str) -> None:
    err = raises("id_number.length", validate_resident_id, value, today=TODAY)
    assert err.params == {"length": len(value)}


@given(valid_ids(), st.integers(0, 16), st.sampled_from("ABXYZ*-#"))
def test_letters_in_first_17_refused(case: tuple[str, date, str], pos: int, char: str) -> None:
    number = case[0]
    bad = number[:pos] + char + number[pos + 1 :]
    err = raises("id_number.format", validate_resident_id, bad, field="id_no", today=TODAY)
    assert err.field == "id_no"


@given(valid_ids(), st.sampled_from("ABCYZ"))
def test_letter_other_than_x_last_refused(case: tuple[str, date, str], char: str) -> None:
    raises("id_number.format", validate_resident_id, case[0][:17] + char, today=TODAY)


@pytest.mark.parametrize("value", ["", "   ", None])
def test_empty_id_refused(value: str) -> None:
    raises("id_number.required", validate_resident_id, value)


def test_known_id_numbers() -> None:
    # The example number of GB 11643-1999 itself.
    rid = validate_resident_id("11010519491231002x", today=TODAY)
    assert rid == validate_resident_id("110105 19491231 002X", today=TODAY)
    assert (rid.birth_date, rid.sex, rid.region_code, rid.province_name) == (
        date(1949, 12, 31),
        "F",
        "110105",
        "北京市",
    )
    # Residence permits of Taiwan residents use 83, reported under 台湾省.
    permit = validate_resident_id(make_id("83", "0000", "19800101", "011"), today=TODAY)
    assert (permit.province_name, permit.sex) == ("台湾省", "M")


def test_mask_resident_id() -> None:
    assert mask_resident_id("150204199001011234") == "150204********1234"
    assert mask_resident_id("11010519491231002x") == "110105********002X"
    assert mask_resident_id("1234") == "****"


# --- mobiles --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "13812345678",
        " 138 1234 5678 ",
        "138-1234-5678",
        "+86 138 1234 5678",
        "+86-13812345678",
        "(+86) 13812345678",
        "0086 13812345678",
        "8613812345678",
        "".join(chr(ord(c) + 0xFEE0) for c in "13812345678"),  # full-width IME digits
    ],
)
def test_mobile_normalised(value: str) -> None:
    assert validate_mobile(value) == "13812345678"


@pytest.mark.parametrize("prefix", ["13", "14", "15", "16", "17", "18", "19"])
def test_mobile_prefixes(prefix: str) -> None:
    assert validate_mobile(prefix + "012345678") == prefix + "012345678"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "phone.required"),
        (" - ", "phone.required"),
        ("+852 9123 4567", "phone.country"),
        ("001 202 555 0100", "phone.country"),
        ("138abcd5678", "phone.format"),
        ("138.1234.5678", "phone.format"),
        ("1381234567", "phone.length"),
        ("138123456789", "phone.length"),
        ("010 8888 8888", "phone.prefix"),  # a Beijing landline
        ("12812345678", "phone.prefix"),
        ("23812345678", "phone.prefix"),
    ],
)
def test_mobile_refused(value: str, code: str) -> None:
    err = raises(code, validate_mobile, value, field="contact_phone")
    assert err.field == "contact_phone"
    assert english(err).startswith("Mobile number:")


@given(
    st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
    st.sampled_from(["", "+86", "0086", "86", "+86 "]),
)
def test_mobile_property(number: str, prefix: str) -> None:
    assert validate_mobile(prefix + f"{number[:3]} {number[3:7]}-{number[7:]}") == number


def test_mask_mobile() -> None:
    assert mask_mobile("13812345678") == "138****5678"
    assert mask_mobile("+86 138 1234 5678") == "138****5678"
    assert mask_mobile("123") == "***"


# --- plates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "normalised"),
    [
        ("蒙B12345", "蒙B12345"),
        ("京A·12345", "京A12345"),
        ("京a-1234d", "京A1234D"),
        ("沪A 9Z8Y7", "沪A9Z8Y7"),
        ("苏E.A1B2C", "苏EA1B2C"),
        ("浙O·1234警", "浙O1234警"),  # provincial-level police
        ("京A·0001警", "京A0001警"),
        ("京A·A123警", "京AA123警"),
        ("鲁B·1234学", "鲁B1234学"),
        ("冀A·1234挂", "冀A1234挂"),
        ("沪A·1234领", "沪A1234领"),
        ("粤Z·F023港", "粤ZF023港"),
        ("粤Z·1234澳", "粤Z1234澳"),
        ("京AD12345", "京AD12345"),  # small new-energy, battery-electric
        ("沪A·F1234 5", "沪AF12345"),  # small new-energy, other
        ("京A·DA1234", "京ADA1234"),
        ("粤B·A12345", "粤BA12345"),  # extension letters after D/F ran out
        ("川A·K12345", "川AK12345"),
        ("粤B·12345D", "粤B12345D"),  # large new-energy
        ("粤B12345F", "粤B12345F"),
        ("京Ａ１２３４５", "京A12345"),
    ],
)
def test_plate_accepted(value: str, normalised: str) -> None:
    assert validate_plate(value) == normalised


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "plate.required"),
        ("京A1234", "plate.length"),
        ("京AD123456", "plate.length"),
        ("WJ12345", "plate.province"),
        ("港A12345", "plate.province"),
        ("使014578", "plate.province"),
        ("京112345", "plate.authority"),
        ("京I12345", "plate.authority"),
        ("京A1234O", "plate.letter_io"),
        ("京AI2345", "plate.letter_io"),
        ("京AD1O345", "plate.letter_io"),
        ("京A12港45", "plate.serial"),
        ("京A1234军", "plate.serial"),
        ("沪Z1234港", "plate.cross_border"),
        ("粤B1234澳", "plate.cross_border"),
        ("京AX12345", "plate.new_energy"),
        ("京AD1234F", "plate.new_energy"),
        ("京AD12B45", "plate.new_energy"),
        ("粤B12345A", "plate.new_energy"),
        ("京A1234挂5", "plate.new_energy"),
    ],
)
def test_plate_refused(value: str, code: str) -> None:
    err = raises(code, validate_plate, value, field="vehicle_plate")
    assert err.field == "vehicle_plate"
    assert english(err).startswith("Licence plate:")


@given(
    st.sampled_from("京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"),
    st.from_regex(r"[A-HJ-Z]", fullmatch=True),
    st.one_of(
        st.from_regex(r"[0-9A-HJ-NP-Z]{5}", fullmatch=True),
        st.from_regex(r"[0-9A-HJ-NP-Z]{4}[挂学警]", fullmatch=True),
        st.from_regex(r"[ABCDEFGHJK][0-9A-HJ-NP-Z][0-9]{4}", fullmatch=True),
        st.from_regex(r"[0-9]{5}[DF]", fullmatch=True),
    ),
)
def test_plate_format_round_trip(province: str, authority: str, serial: str) -> None:
    plate = province + authority + serial
    shown = format_plate(plate.lower())
    assert shown == f"{province}{authority}·{serial}"
    assert validate_plate(shown) == plate


def test_format_plate() -> None:
    assert format_plate("蒙B12345") == "蒙B·12345"
    assert format_plate("京ad12345") == "京A·D12345"
    raises("plate.length", format_plate, "蒙B1234")


# --- regions --------------------------------------------------------------------------


def test_region_data_is_consistent() -> None:
    doc = json.loads(_REGIONS_FILE.read_text(encoding="utf-8"))
    assert doc["version"] and doc["source"] and "http" not in doc["source"]
    regions = [region_get(code) for code in doc["regions"]]
    levels = [r.level for r in regions if r]
    assert doc["counts"] == {
        "provinces": levels.count("province"),
        "cities": levels.count("city"),
        "counties": levels.count("county"),
    }
    expected_parent = {"city": {"province"}, "county": {"city", "province"}}
    for region in regions:
        assert region is not None and len(region.code) == 6 and region.name
        if region.level == "province":
            assert region.parent_code is None
            continue
        parent = region_get(region.parent_code or "")
        assert parent is not None and parent.level in expected_parent[region.level]
        assert region.code[:2] == parent.code[:2]
    assert len(province_choices()) == doc["counts"]["provinces"] == 34
    assert doc["counts"]["cities"] > 300 and doc["counts"]["counties"] > 2800
    assert regions_source()["version"] == doc["version"]


def test_region_lookup() -> None:
    assert region_get("420102") == region_get(" 420102 ")
    jiangan = region_get("420102")
    assert jiangan is not None
    assert (jiangan.name, jiangan.level, jiangan.parent_code) == (
        "江岸区",
        "county",
        "420100",
    )
    wuhan = region_get("420100")
    assert wuhan is not None and (wuhan.name, wuhan.level, wuhan.parent_code) == (
        "武汉市",
        "city",
        "420000",
    )
    hubei = region_get("420000")
    assert hubei is not None and (hubei.name, hubei.level, hubei.parent_code) == (
        "湖北省",
        "province",
        None,
    )
    assert region_get("999999") is None
    assert region_get("130171") is None  # NBS development zone, not GB/T 2260


def test_municipality_districts_hang_under_the_municipality() -> None:
    dongcheng = region_get("110101")
    assert dongcheng is not None and (dongcheng.name, dongcheng.parent_code) == (
        "东城区",
        "110000",
    )
    assert region_get("110100") is None  # the 市辖区 placeholder
    chengkou = region_get("500229")
    assert chengkou is not None and chengkou.parent_code == "500000"
    assert region_full_name("110101") == "北京市东城区"
    assert region_full_name("310115") == "上海市浦东新区"
    assert region_within("110101", "110000")
    assert "110101" in {r.code for r in region_children("110000")}


def test_province_administered_counties_and_cities_without_counties() -> None:
    xiantao = region_get("429004")
    assert xiantao is not None and (xiantao.level, xiantao.parent_code) == (
        "county",
        "420000",
    )
    assert region_full_name("429004") == "湖北省仙桃市"
    dongguan = region_get("441900")
    assert dongguan is not None and dongguan.level == "city"
    assert region_children("441900") == []


def test_region_full_name() -> None:
    assert region_full_name("420102") == "湖北省武汉市江岸区"
    assert region_full_name("420100") == "湖北省武汉市"
    assert region_full_name("420000") == "湖北省"
    err = raises("region.unknown", region_full_name, "420199", field="home_region")
    assert err.field == "home_region"


def test_region_within() -> None:
    assert region_within("420102", "420000")
    assert region_within("420102", "420100")
    assert region_within("420102", "420102")
    assert not region_within("420102", "430000")
    assert not region_within("420102", "420200")
    assert not region_within("420100", "420102")
    assert not region_within("999999", "420000")


def test_validate_region_code() -> None:
    assert validate_region_code(" 420102 ").name == "江岸区"
    raises("region.required", validate_region_code, "")
    raises("region.format", validate_region_code, "4201")
    raises("region.format", validate_region_code, "42010x")
    err = raises("region.unknown", validate_region_code, "420199", field="county")
    assert err.field == "county" and err.params == {"code": "420199"}
    assert english(err) == "Region: 420199 is not a known region code."


def test_regions_search() -> None:
    found = regions_search("武汉")
    assert found[0].code == "420100"
    assert [r.code for r in regions_search("湖北省")][:1] == ["420000"]
    assert "420102" in {r.code for r in regions_search("江岸")}
    assert "420102" in {r.code for r in regions_search("武汉市江")}
    by_code = regions_search("4201", limit=50)
    assert by_code[0].code == "420100" and all(r.code.startswith("4201") for r in by_code)
    assert len(regions_search("区", limit=5)) == 5
    assert regions_search("") == [] and regions_search("武汉", limit=0) == []
    in_hubei = regions_search("城区", within="420000")
    assert in_hubei and all(region_within(r.code, "420000") for r in in_hubei)
    assert all(r.level == "province" for r in regions_search("省", level="province", limit=50))


def test_province_choices() -> None:
    choices = dict(province_choices())
    assert choices["110000"] == "北京市"
    assert choices["650000"] == "新疆维吾尔自治区"
    assert {"710000", "810000", "820000"} <= set(choices)
    gb2260 = "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53"
    gb2260 += " 54 61 62 63 64 65 71 81 82"
    assert {code[:2] for code in choices} == set(gb2260.split())
    assert list(choices) == sorted(choices)
