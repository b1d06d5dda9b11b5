"""A supplies allocation in Chromium, in Chinese: the enterprise officer requests masks from
the reserve → the command post allocates part of it → the enterprise's stock holds them and its
ledger shows the allocation; the reserve is down by as much."""

import pytest

from fugong.supplies.models import RequestStatus, SupplyItem, SupplyRequest, SupplyStock
from fugong.supplies.seed import seed_items
from fugong.supplies.tests.factories import receive

from .conftest import login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_from_the_request_to_the_enterprises_stock(page, park):
    seed_items(SupplyItem)  # the transactional tests flush the migration's rows
    masks = SupplyItem.objects.get(name="医用外科口罩")
    receive(park.command, masks, 5000)

    # The officer asks for 1,200 masks.
    login(page, "officer")
    page.goto(page.base_url + "/supplies/")  # the officer lands on their enterprise's page
    page.wait_for_selector("#request-form")
    page.select_option("#request-form #id_item", label="医用外科口罩")
    page.fill("#request-form #id_quantity", "1200")
    page.fill("#request-form #id_reason", "复工人数增加")
    page.click("#send-request")
    page.wait_for_selector("#request-form")
    assert SupplyRequest.objects.get().status == RequestStatus.PENDING
    screenshot(page, "40-officer-supply-request")

    # The command post finds it among the pending requests and allocates 1,000.
    login(page, "command")
    page.goto(page.base_url + "/supplies/requests/")
    page.click(".allocate-link")
    page.wait_for_selector("#allocate-form")
    page.fill("#allocate-form #id_quantity", "1000")
    page.click("#allocate-button")
    page.wait_for_url(page.base_url + "/supplies/requests/")
    supply_request = SupplyRequest.objects.get()
    assert supply_request.status == RequestStatus.ALLOCATED and supply_request.allocated == 1000

    # The officer sees the masks in the enterprise's stock and the allocation in its ledger.
    login(page, "officer")
    page.goto(page.base_url + f"/supplies/enterprises/{park.a.pk}/")
    row = page.locator('#supply-stock tr[data-item="医用外科口罩"] .supply-quantity')
    assert row.inner_text().strip() == "1000"
    assert "+1000" in page.locator("#supply-ledger").inner_text()
    screenshot(page, "41-officer-supplies-after-allocation")
    assert SupplyStock.objects.get(item=masks, enterprise=park.a).quantity == 1000
    assert SupplyStock.objects.get(item=masks, enterprise=None).quantity == 4000
