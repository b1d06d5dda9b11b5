import pytest


@pytest.fixture
def items(db):
    """The standard items (re-seeded when a transactional test flushed the migration's rows)."""
    from fugong.supplies.models import SupplyItem
    from fugong.supplies.seed import seed_items

    seed_items(SupplyItem)
    return {item.name: item for item in SupplyItem.objects.all()}


@pytest.fixture
def masks(items):
    return items["医用外科口罩"]


@pytest.fixture
def disinfectant(items):
    return items["消毒液"]
