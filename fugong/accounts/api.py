"""API: who am I."""

from ninja import Router, Schema

from fugong.core.api import ERROR_RESPONSES

from .http import ApiRequest
from .models import User

router = Router(tags=["accounts"])


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    role: str
    enterprise_id: int | None
    district_code: str
    is_leader: bool


@router.get("/me", response={200: MeOut, **ERROR_RESPONSES})
def me(request: ApiRequest) -> User:
    """The signed-in user (or the owner of the API token)."""
    return request.auth
