"""Column helpers shared by the tables: UTC timestamps, JSON payloads, and free text kept free of full numbers."""
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field
from sqlmodel.sql.sqltypes import AutoString

from core.privacy import SEALED_KEY, mask


def timestamp(*, index: bool = False, nullable: bool = True) -> Any:
    """A timezone-aware timestamp column (UTC is stored; SQLite hands back naive UTC)."""
    return Field(default=None, sa_column=Column(DateTime(timezone=True), index=index, nullable=nullable))


def json_field(default_factory=dict) -> Any:
    """A JSON column (JSON on SQLite, json on PostgreSQL)."""
    return Field(default_factory=default_factory, sa_column=Column(JSON, nullable=False))


class MaskedText(TypeDecorator):
    """Text whose full phone and ID numbers are masked on the way into the store, whoever writes it.

    Writers that must keep the original seal it beside (core.privacy.Privacy.split); this type is the
    last line behind them, so a note typed by a worker or a reason typed by a resident never lands whole.
    """

    impl = AutoString
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return mask(value) if isinstance(value, str) else value


class MaskedJSON(TypeDecorator):
    """JSON whose strings are masked on the way in, except sealed values and addresses (URLs)."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return masked_json(value)


def masked_json(value: Any, key: str = "") -> Any:
    """`value` with every string masked, leaving sealed values and keys ending in url alone."""
    if key == SEALED_KEY or key.endswith("url"):
        return value
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, dict):
        return {k: masked_json(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [masked_json(v) for v in value]
    return value


def masked_text(default: str | None = "", **kwargs: Any) -> Any:
    """A text column stored masked (MaskedText)."""
    return Field(default=default, sa_type=MaskedText, **kwargs)


def masked_json_field(default_factory=dict) -> Any:
    """A JSON column stored masked (MaskedJSON)."""
    return Field(default_factory=default_factory, sa_column=Column(MaskedJSON, nullable=False))


__all__ = ["timestamp", "json_field", "masked_text", "masked_json_field", "datetime", "SEALED_KEY"]
