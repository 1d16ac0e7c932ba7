"""The hash an unknown member's login is checked against: written out, and as costly as a member's own."""
import time

from argon2 import extract_parameters

from web.console import passwords


def test_it_checks_unknown_members_against_a_hash_made_like_a_members():
    # the same parameters: a wrong name takes as long as a wrong password (no one learns who is a member)
    assert extract_parameters(passwords._DUMMY) == extract_parameters(passwords.hash_password("王阿姨的密码"))


def test_it_refuses_an_unknown_member_after_a_full_check():
    began = time.perf_counter()
    assert passwords.verify("", "not-a-member") is False
    assert time.perf_counter() - began > 0.005  # a hash was checked: a malformed one fails in microseconds
