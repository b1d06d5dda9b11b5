import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ALL = [
    "首页",
    "数据看板",
    "企业管理",
    "复工申请",
    "员工名册",
    "排查规则",
    "移交清单",
    "卡口检查",
    "卡口管理",
    "异常事件",
    "督查检查",
    "督查通报",
    "通知文件",
    "防控指南",
    "用户管理",
    "操作日志",
]
NAVIGATION = {
    "command": [label for label in ALL if label != "卡口检查"],
    "liaison": [
        "首页",
        "数据看板",
        "企业管理",
        "复工申请",
        "员工名册",
        "排查规则",
        "卡口管理",
        "异常事件",
        "督查检查",
        "督查通报",
        "通知文件",
        "防控指南",
    ],
    "inspector": ["首页", "企业管理", "复工申请", "督查检查", "督查通报", "防控指南"],
    "officer": [
        "首页",
        "数据看板",
        "企业管理",
        "复工申请",
        "员工名册",
        "排查规则",
        "卡口管理",
        "异常事件",
        "督查检查",
        "督查通报",
        "通知文件",
        "防控指南",
    ],
    "gate": ["首页", "卡口检查"],
    "district": ["首页", "移交清单"],
}


@pytest.mark.parametrize("role, labels", NAVIGATION.items())
def test_home_and_navigation_by_role(client, park, role, labels):
    client.force_login(park.users()[role])
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    shown = response.context["navigation"] + response.context["account_navigation"]
    assert len(shown) == len(labels)
    body = response.content.decode()
    for label in ALL:
        assert (f">{label}</a>" in body) == (label in labels), label


def test_the_longest_matching_entry_is_active(client, park):
    client.force_login(park.command)
    navigation = client.get(reverse("gate:events")).context["navigation"]
    assert [entry["label"] for entry in navigation if entry["active"]] == ["Abnormal events"]


def test_officer_home_points_to_the_application(client, park):
    client.force_login(park.officer)
    body = client.get(reverse("core:home")).content.decode()
    assert "申请复工" in body


def test_liaison_home_lists_applications_waiting_for_a_visit(client, park):
    from fugong.resumption.tests.factories import make_application

    make_application(officer=park.officer, state="submitted")
    client.force_login(park.liaison)
    response = client.get(reverse("core:home"))
    assert [application.enterprise for application in response.context["waiting"]] == [park.a]
    client.force_login(park.other_liaison)
    assert list(client.get(reverse("core:home")).context["waiting"]) == []


def test_unknown_page_is_a_translated_404(client, park):
    client.force_login(park.officer)
    response = client.get("/no/such/page/")
    assert response.status_code == 404


@pytest.mark.parametrize("role", ["command", "liaison", "inspector", "officer", "gate", "district"])
def test_unusual_reveal_volumes_are_on_the_command_posts_home(client, park, settings, role):
    from datetime import timedelta

    from django.utils import timezone

    from fugong.audit.models import AuditAction, AuditEvent
    from fugong.workforce.services import worker_reveal
    from fugong.workforce.tests.factories import make_worker

    settings.FUGONG_REVEAL_ALERT = (timedelta(hours=1), 2)
    worker = make_worker(actor=park.officer, enterprise=park.a)
    for _ in range(2):
        worker_reveal(actor=park.liaison, worker=worker, field="phone")
    client.force_login(park.users()[role])
    page = client.get(reverse("core:home")).content.decode()
    if role == "command":
        assert 'id="reveal-alerts"' in page
        assert park.liaison.full_name in page and f"({park.liaison.username})" in page
    else:
        assert 'id="reveal-alerts"' not in page
    # An alert older than a day is no longer shown.
    AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_REVEAL_ALERT).update(
        created_at=timezone.now() - timedelta(hours=25)
    )
    assert 'id="reveal-alerts"' not in client.get(reverse("core:home")).content.decode()
