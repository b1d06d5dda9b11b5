"""The cases operations of the API (mounted in fugong.api); contacts, containment and follow-ups
have their own routers (api_contacts, api_containment, api_followups)."""

from ninja import Router

router = Router(tags=["cases"])
