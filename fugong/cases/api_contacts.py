"""The contacts operations of the cases API (mounted in fugong.api)."""

from ninja import Router

router = Router(tags=["cases"])
