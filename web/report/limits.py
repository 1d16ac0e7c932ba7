"""Abuse limits: how many reports one phone (device cookie) and one network address may send.

Counted from the stored reports, so every instance sees the same counts; two submissions racing
past the limit at the same instant may both pass, which is harmless at these numbers.
"""
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import select

from core.config_report import ReportPage
from models import WebReport
from models.store import session


def refusal(engine, page: ReportPage, device: str, address: str, now: datetime) -> str | None:
    """Why this device or address may not report now, or None."""
    hour, day = now - timedelta(hours=1), now - timedelta(days=1)
    with session(engine) as db:
        def count(column, value, since) -> int:
            return db.exec(select(func.count()).select_from(WebReport)
                           .where(column == value, WebReport.created_at >= since)).one()
        if count(WebReport.device, device, hour) >= page.per_device_per_hour \
                or count(WebReport.device, device, day) >= page.per_device_per_day:
            return "这部手机提交得太频繁了，请稍后再试。"
        if count(WebReport.address, address, hour) >= page.per_address_per_hour:
            return "这个网络提交得太频繁了，请稍后再试。"
    return None


def client_address(request, header: str) -> str:
    """The resident's address: the configured proxy header if set (and sent), else the peer."""
    forwarded = request.headers.get(header, "") if header else ""
    return (forwarded.split(",")[0].strip() or request.remote or "unknown")[:64]
