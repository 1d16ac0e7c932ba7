"""Load config.yaml once at start: env overrides, then validation with readable errors."""
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from core.settings import Settings

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "config.yaml"

# (env var, key path) pairs: secrets and deployment settings may live outside the file.
ENV_OVERRIDES = [
    ("GRIDWHISTLE_DATABASE_URL", ("database", "url")),
    ("GRIDWHISTLE_PORT", ("server", "port")),
    ("GRIDWHISTLE_MP_APP_SECRET", ("wechat", "mp", "app_secret")),
    ("GRIDWHISTLE_MP_TOKEN", ("wechat", "mp", "token")),
    ("GRIDWHISTLE_MP_AES_KEY", ("wechat", "mp", "encoding_aes_key")),
    ("GRIDWHISTLE_WORK_SECRET", ("wechat", "work", "secret")),
    ("GRIDWHISTLE_WORK_TOKEN", ("wechat", "work", "token")),
    ("GRIDWHISTLE_WORK_AES_KEY", ("wechat", "work", "encoding_aes_key")),
    ("GRIDWHISTLE_ROBOT_TOKEN", ("wechat", "robot", "token")),
    ("GRIDWHISTLE_ROBOT_AES_KEY", ("wechat", "robot", "encoding_aes_key")),
    ("GRIDWHISTLE_ROBOT_SECRET", ("wechat", "robot", "secret")),
    ("GRIDWHISTLE_KF_SECRET", ("wechat", "kf", "secret")),
    ("GRIDWHISTLE_KF_TOKEN", ("wechat", "kf", "token")),
    ("GRIDWHISTLE_KF_AES_KEY", ("wechat", "kf", "encoding_aes_key")),
    ("GRIDWHISTLE_S3_ACCESS_KEY", ("media", "s3", "access_key")),
    ("GRIDWHISTLE_S3_SECRET_KEY", ("media", "s3", "secret_key")),
]


class ConfigError(Exception):
    """config.yaml cannot be used; `problems` lists each key path and what is wrong."""

    def __init__(self, path: Path, problems: list[str]):
        self.path, self.problems = path, problems
        super().__init__(f"{path}: " + "; ".join(problems))

    def report(self) -> str:
        """A message for people: one problem per line."""
        lines = [f"配置文件有误 / invalid config: {self.path}"]
        return "\n".join(lines + [f"  - {p}" for p in self.problems])


def resolve_path(cli_path: str | None = None) -> Path:
    """The config path: --config, then GRIDWHISTLE_CONFIG, then ./config.yaml."""
    return Path(cli_path or os.environ.get("GRIDWHISTLE_CONFIG") or DEFAULT_PATH)


def load_settings(path: str | Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Read, override from the environment and validate; raise ConfigError with every problem."""
    path = resolve_path(str(path) if path else None)
    env = os.environ if env is None else env
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise ConfigError(path, [f"cannot read file: {exc.strerror}"]) from exc
    except yaml.YAMLError as exc:
        raise ConfigError(path, [f"not valid YAML: {exc}"]) from exc
    if not isinstance(raw, dict):
        raise ConfigError(path, ["the top level must be a mapping of keys"])
    _apply_env(raw, env)
    try:
        return Settings.model_validate(raw, context={"config_dir": path.parent})
    except ValidationError as exc:
        raise ConfigError(path, [line for e in exc.errors() for line in _describe(e)]) from None


def _apply_env(raw: dict[str, Any], env: Mapping[str, str]) -> None:
    for var, keys in ENV_OVERRIDES:
        if env.get(var):
            node = raw
            for key in keys[:-1]:
                node = node.setdefault(key, {})
            node[keys[-1]] = env[var]
    if env.get("GRIDWHISTLE_API_TOKENS"):
        tokens = [t.strip() for t in env["GRIDWHISTLE_API_TOKENS"].split(",") if t.strip()]
        raw.setdefault("api", {})["tokens"] = tokens


def _describe(error: ErrorDetails) -> list[str]:
    message = error["msg"].removeprefix("Value error, ")
    if not error["loc"]:
        # Cross-key checks already name their key paths, several per error.
        return message.split("\n")
    path = ".".join(str(p) for p in error["loc"])
    if error["type"] == "extra_forbidden":
        message = "unknown key"
    return [f"{path}: {line}" for line in message.split("\n")]
