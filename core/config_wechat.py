"""WeChat keys of config.yaml (credentials may come from the environment)."""
from pydantic import Field

from core.config import Strict


class MpConfig(Strict):
    app_id: str = ""
    app_secret: str = ""
    token: str = ""
    encoding_aes_key: str = ""
    api_base_url: str = "https://api.weixin.qq.com"


class WorkConfig(Strict):
    corp_id: str = ""
    agent_id: int = 0
    secret: str = ""
    token: str = ""
    encoding_aes_key: str = ""
    api_base_url: str = "https://qyapi.weixin.qq.com"
    supervisors_webhook_key: str = ""


class RobotConfig(Strict):
    """WeCom intelligent robot (智能机器人) in API mode: receives @-mentions in groups."""

    token: str = ""
    encoding_aes_key: str = ""


class WechatConfig(Strict):
    mp: MpConfig = MpConfig()
    work: WorkConfig = WorkConfig()
    robot: RobotConfig = RobotConfig()
    send_rate_per_minute: int = Field(25, ge=1, le=30)
