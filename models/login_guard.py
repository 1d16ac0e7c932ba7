"""Login throttling kept in the store, so a restart or another instance forgets nothing.

Each failed password is a row. When an account reaches `max_failures` within `window`, or an
address `per_address`, it is locked for `lockout`: every login to it is refused, the right
password included, and not even checked. Locking is one conditional UPDATE, so of several
instances failing the same account at once exactly one locks it and writes the audit row.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, update
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, and_, select

from core.clock import utc
from core.config_access import Login
from models.columns import MaskedText, masked_text, timestamp
from models.rows import insert_ignore
from models.store import session
from models.tickets import AuditLog

LOCKED, UNLOCKED = "login_locked", "login_unlocked"  # audit actions (no ticket)


class LoginFailure(SQLModel, table=True):
    """One wrong password (or unknown account) for an account name, from an address."""

    id: int | None = Field(default=None, primary_key=True)
    account: str = masked_text(index=True)  # as typed: people try their phone number, kept masked like every number
    address: str = Field(index=True)
    at: datetime | None = timestamp(index=True)


class LoginLock(SQLModel, table=True):
    """An account or an address refused until `until` (a row per account or address ever locked)."""

    scope: str = Field(primary_key=True)  # account | address
    key: str = Field(primary_key=True, sa_type=MaskedText)  # an account as typed (masked), or an address
    until: datetime | None = timestamp()


@dataclass(frozen=True)
class Lock:
    """A lock in force."""

    scope: str
    key: str
    until: datetime


def lock_in_force(engine: Engine, account: str, address: str, now: datetime) -> Lock | None:
    """The lock that refuses this login now (the account's or the address's), if any."""
    with session(engine) as db:
        rows = db.exec(select(LoginLock).where(
            or_(and_(LoginLock.scope == "account", LoginLock.key == account),
                and_(LoginLock.scope == "address", LoginLock.key == address)))).all()
    locks = [Lock(r.scope, r.key, utc(r.until)) for r in rows if r.until is not None and utc(r.until) > now]
    return max(locks, key=lambda lock: lock.until, default=None)


def note_failure(engine: Engine, rules: Login, account: str, address: str, now: datetime) -> Lock | None:
    """Record a failed login; the lock it brought about, if this failure reached a limit."""
    since = now - rules.window
    with session(engine) as db:
        db.exec(delete(LoginFailure).where(LoginFailure.at < since))  # only the window counts
        db.add(LoginFailure(account=account, address=address, at=now))
        db.flush()
        by_account = _count(db, LoginFailure.account == account, since)
        by_address = _count(db, LoginFailure.address == address, since)
        lock = None
        if by_account >= rules.max_failures:
            lock = _lock(db, "account", account, address, by_account, now, now + rules.lockout) or lock
        if by_address >= rules.per_address:
            lock = _lock(db, "address", address, address, by_address, now, now + rules.lockout) or lock
        db.commit()
    return lock


def forget_failures(engine: Engine, account: str) -> None:
    """The right password: the account's count starts again."""
    with session(engine) as db:
        db.exec(delete(LoginFailure).where(LoginFailure.account == account))
        db.commit()


def unlock(engine: Engine, scope: str, key: str, by: str, now: datetime) -> bool:
    """A supervisor lifts a lock early (audited); False if it was not in force."""
    with session(engine) as db:
        lifted = db.exec(update(LoginLock).where(LoginLock.scope == scope, LoginLock.key == key,
                                                 LoginLock.until > now).values(until=now)).rowcount == 1
        if lifted:
            column = LoginFailure.account if scope == "account" else LoginFailure.address
            db.exec(delete(LoginFailure).where(column == key))
            db.add(AuditLog(actor=by, action=UNLOCKED, note=f"解除{_NAMES[scope]}锁定：{key}",
                            data={"scope": scope, "key": key}, at=now))
        db.commit()
    return lifted


def locks_in_force(db: Session, now: datetime) -> list[Lock]:
    """Every lock in force now, the longest first."""
    rows = db.exec(select(LoginLock).where(LoginLock.until > now).order_by(LoginLock.until.desc())).all()
    return [Lock(r.scope, r.key, utc(r.until)) for r in rows if r.until is not None]


def lockouts_since(db: Session, since: datetime, limit: int = 200) -> list[AuditLog]:
    """The audit rows of lockouts and unlocks since then, newest first."""
    return list(db.exec(select(AuditLog).where(AuditLog.action.in_((LOCKED, UNLOCKED)), AuditLog.at >= since)
                        .order_by(AuditLog.id.desc()).limit(limit)).all())


_NAMES = {"account": "账号", "address": "地址"}


def _count(db: Session, which, since: datetime) -> int:
    return db.exec(select(func.count()).select_from(LoginFailure).where(which, LoginFailure.at >= since)).one()


def _lock(db: Session, scope: str, key: str, address: str, failures: int, now: datetime, until: datetime) -> Lock | None:
    """Lock unless already locked; the lock and its audit row only for the one that took it."""
    insert_ignore(db, LoginLock, dict(scope=scope, key=key, until=None), ["scope", "key"])
    taken = db.exec(update(LoginLock).where(LoginLock.scope == scope, LoginLock.key == key,
                                            or_(LoginLock.until.is_(None), LoginLock.until <= now))
                    .values(until=until)).rowcount == 1
    if not taken:
        return None
    minutes = int((until - now) / timedelta(minutes=1))
    db.add(AuditLog(actor="system", action=LOCKED, note=f"{_NAMES[scope]} {key} 登录失败 {failures} 次，锁定 {minutes} 分钟",
                    data={"scope": scope, "key": key, "address": address, "failures": failures,
                          "until": until.isoformat()}, at=now))
    return Lock(scope, key, until)
