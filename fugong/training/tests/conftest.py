import pytest

from .factories import make_session, worker_with_pass


@pytest.fixture
def session_a(park):
    """A session of enterprise ``a`` today, recorded by its officer."""
    return make_session(actor=park.officer, enterprise=park.a)


@pytest.fixture
def park_session(park):
    """A park-wide session today, recorded by the command post."""
    return make_session(actor=park.command, enterprise=None, topic="园区防疫培训")


@pytest.fixture
def worker_a(park):
    return worker_with_pass(actor=park.officer, enterprise=park.a, sequence=301)


@pytest.fixture
def worker_b(park):
    return worker_with_pass(actor=park.other_officer, enterprise=park.b, sequence=302, name="李强")
