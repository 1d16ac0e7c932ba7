"""Column helpers shared by the tables: UTC timestamps and JSON payloads."""
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime
from sqlmodel import Field


def timestamp(*, index: bool = False, nullable: bool = True) -> Any:
    """A timezone-aware timestamp column (UTC is stored; SQLite hands back naive UTC)."""
    return Field(default=None, sa_column=Column(DateTime(timezone=True), index=index, nullable=nullable))


def json_field(default_factory=dict) -> Any:
    """A JSON column (JSON on SQLite, json on PostgreSQL)."""
    return Field(default_factory=default_factory, sa_column=Column(JSON, nullable=False))


__all__ = ["timestamp", "json_field", "datetime"]
