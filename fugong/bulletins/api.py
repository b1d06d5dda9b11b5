"""The bulletins endpoints."""

from ninja import Router

router = Router(tags=["bulletins"])
