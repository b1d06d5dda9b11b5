"""The inspections endpoints."""

from ninja import Router

router = Router(tags=["inspections"])
