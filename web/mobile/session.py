"""The /m session: a cookie with a random id, the session itself in the store (models/sessions.py).

The member's WeCom sign-in (or, in demo mode, the picker) opens it; it ends after LIFETIME, when
the member is deactivated, or on 退出. Forms carry a token derived from the session.
"""
from datetime import timedelta

COOKIE = "gw_m"
PRE_COOKIE = "gw_m_pre"  # before sign-in: the picker form's token and the OAuth state
KIND = "mobile"
LIFETIME = timedelta(hours=12)
