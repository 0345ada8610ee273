"""Schemas shared by every API module."""

from ninja import Schema


class ErrorOut(Schema):
    """The body of every error answer: a stable code and a translated message (api.py)."""

    code: str
    detail: str
