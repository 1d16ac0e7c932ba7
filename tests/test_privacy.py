"""Full numbers as residents write them: found however they are typed or dictated, masked, sealed and opened again."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.privacy import Privacy, SealBroken, find_numbers, mask


@pytest.mark.parametrize("written, shown", [
    ("我电话13812345678你打给我", "我电话138****5678你打给我"),
    ("有事打我电话13812345678谢谢", "有事打我电话138****5678谢谢"),
    ("电话 138 1234 5678 找王阿姨", "电话 138****5678 找王阿姨"),  # voice input groups the digits
    ("电话138-1234-5678", "电话138****5678"),
    ("电话 138 - 1234 - 5678", "电话 138****5678"),
    ("电话1 3 8 1 2 3 4 5 6 7 8", "电话138****5678"),  # dictated digit by digit
    ("电话１３８１２３４５６７８", "电话138****5678"),  # full-width digits from a phone keyboard
    ("电话１３８　１２３４　５６７８", "电话138****5678"),  # and the full-width space
    ("电话幺三八一二三四五六七八", "电话138****5678"),  # voice input writing the digits in words
    ("+86 138 1234 5678", "+86 138****5678"),
    ("8613812345678", "86138****5678"),
    ("打19912345678或者15000001111", "打199****5678或者150****1111"),
    ("13812345678 13987654321", "138****5678 139****4321"),
    ("tel13812345678", "tel138****5678"),
])
def test_it_masks_mobiles_however_they_are_written(written, shown):
    assert mask(written) == shown


@pytest.mark.parametrize("written, shown", [
    ("身份证11010519491231002X", "身份证110***********002X"),
    ("身份证号110105194912310021不知道对不对", "身份证号110***********0021不知道对不对"),  # mistyped check digit
    ("身份证 110105 19491231 002x", "身份证 110***********002X"),
    ("身份证４４０５２４１８８００１０１００１４", "身份证440***********0014"),
])
def test_it_masks_id_numbers_even_with_a_mistyped_check_digit(written, shown):
    assert mask(written) == shown


@pytest.mark.parametrize("written, shown", [
    ("座机0571-88123456", "座机0571-****3456"),
    ("座机 0571 88123456", "座机 0571-****3456"),
    ("家里电话010-62345678", "家里电话010-****5678"),
    ("02162345678", "021-****5678"),
])
def test_it_masks_landlines_with_their_area_code(written, shown):
    assert mask(written) == shown


@pytest.mark.parametrize("text", [
    "订单号12812345678",  # 12x is no mobile prefix
    "12345678901234",  # a longer number is not a phone inside it
    "桂花苑3栋2单元1302室",
    "GW-20261124-0012 接单",
    "2026-11-24 10:30 路灯坏了",
    "银行卡6222 0212 3456 7890",
    "报警电话110 火警119",
    "三四个人在吵架",
    "快递单号SF1234567890123",
])
def test_it_leaves_numbers_that_are_not_phones_or_ids(text):
    assert mask(text) == text


def test_a_phone_after_a_ticket_number_or_a_date_is_still_found():
    assert mask("GW-20261124-0012 13812345678") == "GW-20261124-0012 138****5678"
    assert mask("2026-11-24 13812345678") == "2026-11-24 138****5678"
    assert mask("3栋502 13812345678") == "3栋502 138****5678"


def test_each_number_says_what_it_is_and_where_it_stands():
    text = "王阿姨13812345678，身份证11010519491231002X，座机0571-88123456"
    found = find_numbers(text)
    assert [(n.kind, n.digits) for n in found] == [("mobile", "13812345678"), ("id", "11010519491231002X"),
                                                  ("landline", "057188123456")]
    assert [text[n.start:n.end] for n in found] == ["13812345678", "11010519491231002X", "0571-88123456"]


@given(st.text(alphabet="0123456789１３８ -一二三四五六七八九幺abc电话X", max_size=60))
def test_masking_is_idempotent_and_leaves_no_full_number(text):
    once = mask(text)
    assert mask(once) == once
    assert find_numbers(once) == []


def test_it_seals_the_original_beside_the_masked_text_and_opens_it_again():
    privacy = Privacy.ephemeral()
    shown, sealed = privacy.split("我电话138 1234 5678，身份证11010519491231002X")
    assert shown == "我电话138****5678，身份证110***********002X"
    assert "13812345678" not in sealed and "1234" not in sealed
    assert privacy.unseal(sealed) == "我电话138 1234 5678，身份证11010519491231002X"
    assert privacy.split("桂花苑3栋路灯坏了") == ("桂花苑3栋路灯坏了", None)  # nothing to seal


def test_a_value_sealed_with_another_key_does_not_open():
    sealed = Privacy.ephemeral().seal("13812345678")
    other = Privacy.ephemeral()
    with pytest.raises(SealBroken):
        other.unseal(sealed)
    assert other.original("138****5678", sealed) == "138****5678"  # the masked text, never garbage


def test_a_json_value_keeps_its_masked_text_and_its_seal_together():
    privacy = Privacy.ephemeral()
    kept = privacy.kept("我电话13812345678")
    assert kept["text"] == "我电话138****5678" and privacy.text_of(kept) == "我电话13812345678"
    assert privacy.kept("路灯坏了") == {"text": "路灯坏了"}


def test_without_a_key_nothing_is_sealed():
    with pytest.raises(RuntimeError, match="privacy.key_file"):
        Privacy().seal("13812345678")
