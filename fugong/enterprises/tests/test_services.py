import pytest

from fugong.audit.models import AuditAction, AuditEvent
from fugong.core.errors import ApplicationError, PermissionDeniedError
from fugong.core.testing import assert_nothing_written, database_counts
from fugong.enterprises import services
from fugong.enterprises.models import Enterprise, EnterpriseKind

from .factories import credit_code_for

pytestmark = pytest.mark.django_db


def test_register_an_enterprise(park):
    enterprise = services.enterprise_create(
        actor=park.command,
        name="  岳阳  新港  物流有限公司 ",
        credit_code=credit_code_for(5000).lower(),
        kind=EnterpriseKind.PORT_LOGISTICS,
        contact_phone="0730-8888888",
        liaison=park.other_liaison,
    )
    assert enterprise.name == "岳阳 新港 物流有限公司"
    assert enterprise.credit_code == credit_code_for(5000)
    assert enterprise.contact_phone == "07308888888"
    assert AuditEvent.objects.filter(
        action=AuditAction.ENTERPRISE_CREATED, enterprise_id=enterprise.pk
    ).exists()


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"credit_code": "91430600MA4L00001D"}, "credit_code"),  # wrong check character
        ({"credit_code": "ABC"}, "credit_code"),
        ({"name": "   "}, "name"),
        ({"contact_phone": "12345"}, "contact_phone"),
        ({"kind": "factory"}, "kind"),
    ],
)
def test_invalid_fields_are_refused(park, fields, field):
    data = {"name": "甲", "credit_code": credit_code_for(6000), **fields}
    before = database_counts()
    with pytest.raises(ApplicationError) as refused:
        services.enterprise_create(actor=park.command, **data)
    assert field in refused.value.fields
    assert refused.value.status == 400
    assert_nothing_written(before)


def test_duplicate_credit_code_is_refused(park):
    before = database_counts()
    with pytest.raises(ApplicationError) as refused:
        services.enterprise_create(actor=park.command, name="复制", credit_code=park.a.credit_code)
    assert "credit_code" in refused.value.fields
    assert_nothing_written(before)


def test_key_enterprise_needs_a_leader_liaison(park):
    with pytest.raises(ApplicationError) as refused:
        services.enterprise_update(actor=park.command, enterprise=park.b, is_key=True)
    assert "liaison" in refused.value.fields
    services.enterprise_update(
        actor=park.command, enterprise=park.b, is_key=True, liaison=park.liaison
    )


def test_liaison_must_be_a_liaison(park):
    with pytest.raises(ApplicationError) as refused:
        services.enterprise_assign_liaison(
            actor=park.command, enterprise=park.a, liaison=park.inspector
        )
    assert "liaison" in refused.value.fields


def test_update_records_only_what_changed(park):
    services.enterprise_update(
        actor=park.command, enterprise=park.a, usual_headcount=321, name=park.a.name
    )
    event = AuditEvent.objects.get(action=AuditAction.ENTERPRISE_UPDATED)
    assert event.data["changes"] == {"usual_headcount": [100, 321]}
    count = AuditEvent.objects.count()
    services.enterprise_update(actor=park.command, enterprise=park.a, usual_headcount=321)
    assert AuditEvent.objects.count() == count


def test_assigning_a_liaison_is_its_own_event(park):
    services.enterprise_assign_liaison(actor=park.command, enterprise=park.b, liaison=park.liaison)
    assert AuditEvent.objects.filter(action=AuditAction.ENTERPRISE_LIAISON_ASSIGNED).count() == 1


@pytest.mark.parametrize("role", ["liaison", "inspector", "officer", "gate", "district"])
def test_only_the_command_post_registers_and_edits(park, role):
    actor = park.users()[role]
    before = database_counts()
    with pytest.raises(PermissionDeniedError):
        services.enterprise_create(actor=actor, name="x", credit_code=credit_code_for(7000))
    with pytest.raises(PermissionDeniedError):
        services.enterprise_update(actor=actor, enterprise=park.a, usual_headcount=1)
    assert_nothing_written(before)
    assert Enterprise.objects.get(pk=park.a.pk).usual_headcount == 100


def test_the_same_values_typed_differently_are_not_a_change(park):
    services.enterprise_update(actor=park.command, enterprise=park.a, contact_phone="0730-8888888")
    before = database_counts()
    services.enterprise_update(
        actor=park.command,
        enterprise=park.a,
        contact_phone="0730 8888888",
        credit_code=park.a.credit_code.lower(),
        name=f" {park.a.name} ",
    )
    assert_nothing_written(before)


def test_an_empty_name_gets_one_message(park):
    with pytest.raises(ApplicationError) as refused:
        services.enterprise_create(actor=park.command, name="", credit_code=credit_code_for(6100))
    assert len(refused.value.fields["name"]) == 1
    with pytest.raises(ApplicationError) as refused:
        services.enterprise_create(
            actor=park.command, name="   ", credit_code=credit_code_for(6100)
        )
    assert len(refused.value.fields["name"]) == 1
