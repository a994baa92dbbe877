"""The declarative base of every table; rows are stamped with `forms.clock.utcnow`."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from forms.clock import utcnow as utcnow  # one clock for the whole service (naive UTC)


class Base(DeclarativeBase):
    pass
