"""The `report_page` keys of config.yaml: the 随手拍 page at /r and its abuse limits."""
from pydantic import Field

from core.config import Strict


class ReportPage(Strict):
    """Residents report from a phone's browser without logging in; these keep it usable and hard to flood."""

    enabled: bool = True
    # The posters' QR codes use server.public_url (WeChat's browser shares a location only over
    # https); empty: the address the console was opened at.
    per_device_per_hour: int = Field(5, ge=1, le=1000)
    per_device_per_day: int = Field(20, ge=1, le=10000)
    per_address_per_hour: int = Field(30, ge=1, le=10000)
    # Behind a reverse proxy every request comes from the proxy: name the header it sets with the
    # resident's address (e.g. X-Real-IP). Only when a proxy you run sets it: anyone can send it.
    client_ip_header: str = ""

