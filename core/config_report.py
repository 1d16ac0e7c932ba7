"""The `report_page` keys of config.yaml: the 随手拍 page at /r and its abuse limits."""
from pydantic import Field, field_validator

from core.config import Strict


class ReportPage(Strict):
    """Residents report from a phone's browser without logging in; these keep it usable and hard to flood."""

    enabled: bool = True
    # The address printed in the posters' QR codes, e.g. https://gw.example.gov.cn (WeChat's browser
    # shares a location only over https). Empty: the address the console was opened at.
    public_url: str = ""
    per_device_per_hour: int = Field(5, ge=1, le=1000)
    per_device_per_day: int = Field(20, ge=1, le=10000)
    per_address_per_hour: int = Field(30, ge=1, le=10000)
    # Behind a reverse proxy every request comes from the proxy: name the header it sets with the
    # resident's address (e.g. X-Real-IP). Only when a proxy you run sets it: anyone can send it.
    client_ip_header: str = ""

    @field_validator("public_url")
    @classmethod
    def _absolute(cls, url: str) -> str:
        url = url.strip().rstrip("/")
        if url and not url.startswith(("https://", "http://")):
            raise ValueError(f"must start with https:// (or http://), got {url!r}")
        return url
