"""Fixtures shared by every test: a small park with one user of each role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from fugong.accounts.models import User
from fugong.core.roles import Role
from fugong.enterprises.models import Enterprise


@dataclass
class SmallPark:
    command: User
    liaison: User  # leader-level, liaison of enterprise ``a``
    other_liaison: User  # liaison of enterprise ``b``
    inspector: User
    officer: User  # of enterprise ``a``
    other_officer: User  # of enterprise ``b``
    gate: User
    district: User
    a: Enterprise
    b: Enterprise

    def users(self) -> dict[str, User]:
        return {
            "command": self.command,
            "liaison": self.liaison,
            "other_liaison": self.other_liaison,
            "inspector": self.inspector,
            "officer": self.officer,
            "other_officer": self.other_officer,
            "gate": self.gate,
            "district": self.district,
        }


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Service-level tests read messages in English; pages choose their own language."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def guide(db):
    """The published guide (re-seeded when a transactional test flushed the migration's rows)."""
    from fugong.guide.models import GuideItem, GuideVersion
    from fugong.guide.seed import seed_guide
    from fugong.guide.selectors import guide_version_current

    seed_guide(GuideVersion, GuideItem)
    return guide_version_current()


@pytest.fixture
def park(db, guide) -> SmallPark:
    from fugong.accounts.tests.factories import UserFactory
    from fugong.enterprises.tests.factories import EnterpriseFactory

    command = UserFactory(username="command", role=Role.COMMAND)
    liaison = UserFactory(username="liaison", role=Role.LIAISON, is_leader=True)
    other_liaison = UserFactory(username="liaison2", role=Role.LIAISON)
    a = EnterpriseFactory(name="甲企业有限公司", liaison=liaison, is_above_scale=True)
    b = EnterpriseFactory(name="乙企业有限公司", liaison=other_liaison)
    return SmallPark(
        command=command,
        liaison=liaison,
        other_liaison=other_liaison,
        inspector=UserFactory(username="inspector", role=Role.INSPECTOR),
        officer=UserFactory(username="officer", role=Role.ENTERPRISE_OFFICER, enterprise=a),
        other_officer=UserFactory(username="officer2", role=Role.ENTERPRISE_OFFICER, enterprise=b),
        gate=UserFactory(username="gate", role=Role.GATE_OPERATOR, enterprise=a),
        district=UserFactory(
            username="district", role=Role.DISTRICT_LIAISON, district_code="430603"
        ),
        a=a,
        b=b,
    )


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def tomorrow(today):
    return today + timedelta(days=1)
