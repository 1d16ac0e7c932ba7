"""The `privacy` keys of config.yaml: where the key that seals full phone and ID numbers is kept."""
from pathlib import Path
from typing import Annotated

from pydantic import BeforeValidator, Field, ValidationInfo

from core.config import Strict


def _beside_config(value: object, info: ValidationInfo) -> Path:
    """A relative path is read from the config file's folder, as geo.boundaries_file is."""
    if not isinstance(value, (str, Path)) or not str(value).strip():
        raise ValueError("must be the path of the key file, e.g. data/privacy.key")
    path = Path(str(value).strip())
    base = (info.context or {}).get("config_dir")
    return path if path.is_absolute() or not base else Path(base) / path


class PrivacySettings(Strict):
    """Full numbers are stored sealed with this key (GRIDWHISTLE_PRIVACY_KEY, if set, is used instead).

    Made at first start if missing (owner-only, 0600); back it up apart from the database: without
    it the full numbers cannot be shown again, and the service refuses to start on a store sealed with
    another key.
    """

    key_file: Annotated[Path, BeforeValidator(_beside_config)] = Field(Path("data/privacy.key"),
                                                                        validate_default=True)
