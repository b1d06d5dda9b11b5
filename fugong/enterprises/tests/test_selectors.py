import pytest

from fugong.core.errors import NotFoundError, PermissionDeniedError
from fugong.enterprises.selectors import enterprise_get, enterprise_list

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "role, visible",
    [
        ("command", {"a", "b"}),
        ("inspector", {"a", "b"}),
        ("liaison", {"a"}),
        ("other_liaison", {"b"}),
        ("officer", {"a"}),
        ("other_officer", {"b"}),
    ],
)
def test_each_role_sees_its_scope(park, role, visible):
    actor = park.users()[role]
    names = {"a": park.a.pk, "b": park.b.pk}
    assert set(enterprise_list(actor=actor).values_list("pk", flat=True)) == {
        names[n] for n in visible
    }
    for key, pk in names.items():
        if key in visible:
            assert enterprise_get(actor=actor, enterprise_id=pk).pk == pk
        else:
            with pytest.raises(NotFoundError):
                enterprise_get(actor=actor, enterprise_id=pk)


@pytest.mark.parametrize("role", ["gate", "district"])
def test_roles_without_enterprise_pages_are_refused(park, role):
    with pytest.raises(PermissionDeniedError):
        enterprise_list(actor=park.users()[role])


def test_inactive_users_see_nothing(park):
    park.officer.is_active = False
    with pytest.raises(PermissionDeniedError):
        enterprise_list(actor=park.officer)


def test_garbage_ids_are_not_found(park):
    for value in ("abc", None, "1; DROP TABLE", 10**12):
        with pytest.raises(NotFoundError):
            enterprise_get(actor=park.command, enterprise_id=value)


def test_search_by_name_and_code(park):
    assert list(enterprise_list(actor=park.command, query="甲")) == [park.a]
    assert list(enterprise_list(actor=park.command, query=park.b.credit_code[-6:].lower())) == [
        park.b
    ]
