"""Cookies of the console and /m: set one way (HttpOnly, SameSite=Lax, Secure over HTTPS), tokens made one way."""
import hashlib
import hmac
import secrets

from aiohttp import web

from web.forwarded import is_https


def set_cookie(request: web.Request, response: web.StreamResponse, name: str, value: str, *, max_age: int,
               path: str) -> None:
    """A cookie scripts cannot read, not sent along from other sites' forms, and marked Secure when the
    browser reached us over HTTPS (directly, or through a proxy listed in server.trusted_proxies)."""
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="Lax", path=path,
                        secure=is_https(request))


def new_token() -> str:
    """A random token (letters and digits: WeCom's OAuth `state` allows no more)."""
    return secrets.token_hex(16)


def form_token(purpose: str, session_id: str) -> str:
    """What a session's forms carry: derived from the session's id (secret, HttpOnly), so another site cannot
    know it; and not the digest the store keeps (models/sessions.py), so the store does not give it away."""
    return hashlib.sha256(f"{purpose}\n{session_id}".encode()).hexdigest()[:32]


def same_token(given: object, expected: str) -> bool:
    """A form's token matches (in constant time); an empty expectation matches nothing."""
    return bool(expected) and isinstance(given, str) and hmac.compare_digest(given.encode(), expected.encode())
