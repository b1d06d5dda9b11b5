"""The supervision loop in Chromium, in Chinese: an inspector records an inspection and a
finding → the enterprise officer rectifies → the inspector accepts → the command post drafts,
publishes and downloads the supervision bulletin that names the enterprise."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from docx import Document
from PIL import Image

from fugong.bulletins.models import Bulletin
from fugong.inspections.models import Finding, FindingStatus

from .conftest import login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_inspection_finding_rectification_acceptance_bulletin(page, park, tmp_path):
    today = timezone.localdate()
    photo = tmp_path / "现场.png"
    photo.write_bytes(png_bytes())

    # The inspector records an unannounced inspection of 甲企业.
    login(page, "inspector")
    page.get_by_role("link", name="督查检查").first.click()
    page.select_option("#id_enterprise", label="甲企业有限公司")
    page.select_option("#id_kind", value="unannounced")
    page.fill("#id_inspected_on", today.isoformat())
    page.click("#inspection-create-button")
    page.wait_for_selector("#checklist-form")
    # The items are toggle buttons: the label is what a user clicks.
    first_item = page.locator("#checklist-form input[type=radio][value='1']").first
    page.click(f"label[for={first_item.get_attribute('id')}]")
    page.fill("#id_summary", "不打招呼检查门岗、食堂和宿舍。")
    page.click("#save-checklist")
    page.wait_for_selector("#finding-form")
    page.fill("#id_description", "门岗未落实体温检测登记。")
    page.select_option("#id_severity", value="major")
    page.fill("#id_rectification_required", "门岗每人测温并登记。")
    page.fill("#id_deadline", (today + timedelta(days=3)).isoformat())
    page.set_input_files("#id_photo", str(photo))
    page.click("#add-finding")
    page.wait_for_selector("#finding-list :text('门岗未落实体温检测登记')")
    screenshot(page, "30-inspector-finding")
    page.click("#complete-inspection")
    page.wait_for_selector("#inspection-status")
    finding = Finding.objects.get()
    assert finding.attachments.count() == 1

    # The enterprise officer answers it.
    login(page, "officer")
    page.goto(page.base_url + f"/inspections/findings/{finding.pk}/")
    page.fill("#id_response", "已安排专人测温登记，附登记表照片。")
    page.set_input_files("#id_evidence", str(photo))
    page.click("#submit-rectification")
    page.wait_for_selector("#rounds")
    screenshot(page, "31-officer-rectification")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.SUBMITTED

    # The inspector accepts the rectification.
    login(page, "inspector")
    page.goto(page.base_url + f"/inspections/findings/{finding.pk}/")
    page.check("input[name=decision][value=accept]")
    page.click("#submit-review")
    page.wait_for_selector("#finding-status")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.ACCEPTED

    # The command post drafts this week's bulletin, publishes it and downloads it.
    login(page, "command")
    page.get_by_role("link", name="督查通报").first.click()
    page.fill("#id_period_start", (today - timedelta(days=6)).isoformat())
    page.fill("#id_period_end", today.isoformat())
    page.click("#draft-form button")
    page.wait_for_selector("#bulletin-form")
    assert "甲企业有限公司" in page.locator("#id_problems").input_value()
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#publish")
    page.wait_for_selector("#bulletin-number")
    screenshot(page, "32-bulletin-published")
    bulletin = Bulletin.objects.get()
    assert (bulletin.status, bulletin.number) == ("published", 1)
    with page.expect_download() as download:
        page.click("#download-docx")
    path = download.value.path()
    text = "\n".join(paragraph.text for paragraph in Document(path).paragraphs)
    assert "督查通报" in text and "第1期" in text and "甲企业有限公司" in text

    # The officer sees the bulletin that names their enterprise.
    login(page, "officer")
    page.goto(page.base_url + f"/enterprises/{park.a.pk}/")
    page.wait_for_selector("#enterprise-bulletins :text('第1期')")
