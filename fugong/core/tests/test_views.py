import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

pytestmark = pytest.mark.django_db

# The labels as the page shows them (their translations arrive with the catalogue).
with translation.override("zh-hans"):
    CASES = translation.gettext("Cases")
    FOLLOW_UPS = translation.gettext("Follow-ups")
    SUPPLIES = translation.gettext("Supplies")
    ROOMS = translation.gettext("Rooms")

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
    CASES,
    FOLLOW_UPS,
    SUPPLIES,
    ROOMS,
    "督查检查",
    "Training",  # 防疫培训: read through the catalogue (see _shown)
    "Duty",  # 值班值守
    "督查通报",
    "通知文件",
    "防控指南",
    "用户管理",
    "操作日志",
    "保存期限",
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
        CASES,
        FOLLOW_UPS,
        SUPPLIES,
        ROOMS,
        "督查检查",
        "Training",
        "Duty",
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
        CASES,
        FOLLOW_UPS,
        SUPPLIES,
        ROOMS,
        "督查检查",
        "Training",
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
    response = client.get(reverse("overview:home"))
    assert response.status_code == 200
    shown = response.context["navigation"] + response.context["account_navigation"]
    # and "My jobs" (the account menu), which every signed-in user has
    assert len(shown) == len(labels) + 1
    assert shown[-1]["url"] == reverse("jobs:list")
    body = response.content.decode()
    for label in ALL:
        assert (f">{_shown(label)}</a>" in body) == (label in labels), label


def _shown(label: str) -> str:
    """The Chinese label; an entry given by its English msgid as the catalogue translates it."""
    if not label.isascii():
        return label
    with translation.override("zh-hans"):
        return gettext(label)


def test_the_longest_matching_entry_is_active(client, park):
    client.force_login(park.command)
    navigation = client.get(reverse("gate:events")).context["navigation"]
    assert [entry["label"] for entry in navigation if entry["active"]] == ["Abnormal events"]


def test_unknown_page_is_a_translated_404(client, park):
    client.force_login(park.officer)
    response = client.get("/no/such/page/")
    assert response.status_code == 404


def test_the_browsers_favicon_request_is_sent_to_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith(".ico")
    assert "fugong/favicon" in response["Location"]


def test_every_page_declares_the_icon(client):
    page = client.get("/accounts/login/").content.decode()
    assert 'rel="icon"' in page and "fugong/favicon" in page
