import importlib

import pytest
from django.apps import apps


@pytest.fixture
def items(db):
    """The standard items (re-seeded when a transactional test flushed the migration's rows)."""
    from fugong.supplies.models import SupplyItem

    seed = importlib.import_module("fugong.supplies.migrations.0002_standard_items").seed
    seed(apps, None)
    return {item.name: item for item in SupplyItem.objects.all()}


@pytest.fixture
def masks(items):
    return items["医用外科口罩"]


@pytest.fixture
def disinfectant(items):
    return items["消毒液"]
