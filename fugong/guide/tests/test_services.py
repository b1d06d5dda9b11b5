import threading

import pytest
from django.db import connection

from fugong.core.errors import ApplicationError, ConflictError, PermissionDeniedError
from fugong.core.testing import assert_nothing_written, database_counts
from fugong.guide import services
from fugong.guide.models import GuideVersion
from fugong.guide.selectors import guide_version_current
from fugong.resumption.tests.factories import make_application

pytestmark = pytest.mark.django_db


def test_the_seeded_guide_has_the_brief_items(guide):
    texts = " ".join(guide.items.values_list("text", flat=True))
    for phrase in (
        "指纹考勤",
        "6人",
        "2.5平方米",
        "错峰",
        "回风",
        "第一责任人",
        "四不",
        "废弃口罩",
    ):
        assert phrase in texts
    assert guide.status == GuideVersion.Status.PUBLISHED


def test_draft_edit_publish(park, guide):
    draft = services.guide_version_draft(actor=park.command)
    assert draft.number == guide.number + 1
    assert draft.items.count() == guide.items.count()
    # New applications keep answering the published version until the draft is published.
    assert guide_version_current() == guide
    item = services.guide_item_save(
        actor=park.command,
        version=draft,
        code="g19",
        category="premises",
        text="电梯按钮每2小时消毒一次。",
    )
    assert item.code == "G19"
    services.guide_item_remove(actor=park.command, item=draft.items.get(code="G10"))
    services.guide_version_publish(actor=park.command, version=draft)
    current = guide_version_current()
    assert current == draft
    assert set(current.items.values_list("code", flat=True)) - set(
        guide.items.values_list("code", flat=True)
    ) == {"G19"}


def test_an_application_keeps_the_version_it_answered(park, guide):
    application = make_application(officer=park.officer, state="draft")
    draft = services.guide_version_draft(actor=park.command)
    services.guide_version_publish(actor=park.command, version=draft)
    application.refresh_from_db()
    assert application.guide_version == guide
    assert application.self_check.filter(item__version=guide).count() == guide.items.count()


def test_published_versions_never_change(park, guide):
    before = database_counts()
    with pytest.raises(ConflictError):
        services.guide_item_save(
            actor=park.command, version=guide, code="G99", category="premises", text="x"
        )
    with pytest.raises(ConflictError):
        services.guide_item_remove(actor=park.command, item=guide.items.first())
    with pytest.raises(ConflictError):
        services.guide_version_update(actor=park.command, version=guide, title="x", notes="")
    with pytest.raises(ConflictError):
        services.guide_version_publish(actor=park.command, version=guide)
    assert_nothing_written(before)


def test_only_one_draft(park):
    services.guide_version_draft(actor=park.command)
    with pytest.raises(ConflictError):
        services.guide_version_draft(actor=park.command)


def test_duplicate_item_code_in_a_version(park):
    draft = services.guide_version_draft(actor=park.command)
    with pytest.raises(ApplicationError):
        services.guide_item_save(
            actor=park.command, version=draft, code="G01", category="people", text="重复"
        )


def test_empty_requirement(park):
    draft = services.guide_version_draft(actor=park.command)
    with pytest.raises(ApplicationError):
        services.guide_item_save(
            actor=park.command, version=draft, code="G50", category="people", text="  "
        )


@pytest.mark.parametrize("role", ["liaison", "inspector", "officer", "gate", "district"])
def test_only_the_command_post_edits_the_guide(park, role):
    before = database_counts()
    with pytest.raises(PermissionDeniedError):
        services.guide_version_draft(actor=park.users()[role])
    assert_nothing_written(before)


def test_publishing_an_empty_draft_is_refused(park):
    draft = services.guide_version_draft(actor=park.command)
    for item in list(draft.items.all()):
        services.guide_item_remove(actor=park.command, item=item)
    with pytest.raises(ConflictError):
        services.guide_version_publish(actor=park.command, version=draft)


@pytest.mark.django_db(transaction=True)
def test_two_drafts_at_once_make_one(guide):
    """Two command post staff click "draft" together: the database keeps one draft."""
    from fugong.accounts.tests.factories import UserFactory

    first = UserFactory(username="c1")
    second = UserFactory(username="c2")
    outcomes = []

    def draft(actor):
        try:
            services.guide_version_draft(actor=actor)
            outcomes.append("ok")
        except ConflictError:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=draft, args=(user,)) for user in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    assert GuideVersion.objects.filter(status="draft").count() == 1
