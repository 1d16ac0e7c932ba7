"""Masking phone and ID numbers: mobiles always, ID numbers only when the checksum says they are IDs."""
import pytest

from nlp.privacy import mask, valid_id_number


def test_it_masks_mobiles_and_landlines():
    assert mask("电话13812345678") == "电话138****5678"
    assert mask("打19912345678或者15000001111") == "打199****5678或者150****1111"
    assert mask("座机0571-88123456") == "座机0571-****3456"


def test_it_leaves_numbers_that_are_not_phones():
    assert mask("订单号12812345678") == "订单号12812345678"  # 12x is no mobile prefix
    assert mask("12345678901234") == "12345678901234"


@pytest.mark.parametrize("number", ["11010519491231002X", "110105194912310021", "440524188001010014", "44052418800101001"])
def test_the_checksum(number):
    assert valid_id_number(number) == (number in ("11010519491231002X", "440524188001010014"))


def test_it_masks_only_ids_with_a_valid_checksum():
    assert mask("身份证11010519491231002X") == "身份证110105********002X"
    assert mask("身份证440524188001010014 谢谢") == "身份证440524********0014 谢谢"
    assert mask("单号110105194912310021") == "单号110105194912310021"  # bad checksum: not an ID
