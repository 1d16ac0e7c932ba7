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


def test_a_check_holds_little_memory_in_the_serving_process():
    # each login check runs in the serving process on one of login.hash_threads: at 64 MiB two at once took an
    # idle 196 MB process over its 250 MB bar; OWASP's 19 MiB setting keeps both under 40 MB
    assert extract_parameters(passwords.hash_password("王阿姨的密码")).memory_cost <= 19 * 1024


def test_a_hash_made_with_the_old_setting_still_verifies():
    from argon2 import PasswordHasher

    old = PasswordHasher().hash("老密码1234")  # argon2-cffi's default, 64 MiB: hashes in config.yaml before 2026-12
    assert passwords.verify(old, "老密码1234") and not passwords.verify(old, "别的密码1234")
