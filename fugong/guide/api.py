"""API: the prevention guide."""

from datetime import date, datetime

from ninja import Router, Schema

from fugong.core.api import ERROR_RESPONSES

from . import selectors

router = Router(tags=["guide"])


class GuideItemOut(Schema):
    id: int
    code: str
    position: int
    category: str
    text: str
    guidance: str


class GuideVersionOut(Schema):
    id: int
    number: int
    title: str
    status: str
    effective_date: date | None
    published_at: datetime | None
    items: list[GuideItemOut]


@router.get("/current", response={200: GuideVersionOut, **ERROR_RESPONSES})
def guide_current(request):
    """The published version that new applications answer."""
    selectors.guide_version_list(actor=request.auth)  # role check
    version = selectors.guide_version_current()
    return {**version.__dict__, "items": list(selectors.guide_items(version))}


@router.get("/versions/{int:version_id}", response={200: GuideVersionOut, **ERROR_RESPONSES})
def guide_version(request, version_id: int):
    version = selectors.guide_version_get(actor=request.auth, version_id=version_id)
    return {**version.__dict__, "items": list(selectors.guide_items(version))}
