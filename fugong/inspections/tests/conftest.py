"""Findings of a completed inspection of enterprise ``a`` by the park's inspector."""

import pytest

from fugong.inspections.models import Finding

from .factories import make_completed_finding, make_finding, make_inspection


@pytest.fixture
def draft(park):
    """A draft inspection of ``a`` by the inspector."""
    return make_inspection(actor=park.inspector, enterprise=park.a)


@pytest.fixture
def draft_finding(park, draft) -> Finding:
    return make_finding(actor=park.inspector, inspection=draft)


@pytest.fixture
def finding(park) -> Finding:
    """An open finding of a completed inspection of ``a``."""
    return make_completed_finding(actor=park.inspector, enterprise=park.a)


@pytest.fixture
def serious_finding(park) -> Finding:
    return make_completed_finding(actor=park.inspector, enterprise=park.a, severity="serious")
