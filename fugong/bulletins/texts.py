"""The words of the official documents: the bulletin's layout and the text of a drafted bulletin.

A supervision bulletin is a Chinese official document whatever language its editor reads the
pages in, so these texts are rendered with ``translation.override("zh-hans")``. They are
marked for translation with English msgids like every other string; until the catalogue holds
their Chinese, ``official`` falls back to the wording kept here, so that a bulletin never goes
out half in English.
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop, override

OFFICIAL_LANGUAGE = "zh-hans"

# msgid → the official Chinese wording (used only while the catalogue lacks a translation).
FALLBACK: dict[str, str] = {
    # The layout.
    gettext_noop("Epidemic Prevention and Control Command Post of the Park"): (
        "城陵矶新港区新冠肺炎疫情防控指挥部"
    ),
    gettext_noop("Supervision bulletin"): "督查通报",
    gettext_noop("Issue %(number)s"): "第%(number)s期",
    gettext_noop("(Draft)"): "（草稿）",
    gettext_noop("Office of the Command Post"): "指挥部办公室",
    gettext_noop("%(year)s-%(month)s-%(day)s"): "%(year)s年%(month)s月%(day)s日",
    gettext_noop("1. Overview of the inspections"): "一、督查概况",
    gettext_noop("2. Main problems found"): "二、发现的主要问题",
    gettext_noop("3. Rectification"): "三、整改情况",
    gettext_noop("4. Good practice"): "四、好的做法",
    gettext_noop("5. Requirements for the next stage"): "五、下一步工作要求",
    # The draft.
    gettext_noop("Bulletin on the inspection of epidemic prevention at resumed enterprises"): (
        "关于复工企业疫情防控督查情况的通报"
    ),
    gettext_noop(
        "From %(start)s to %(end)s the park carried out %(inspections)s inspections "
        "(%(kinds)s) at %(enterprises)s enterprises and found %(findings)s problems "
        "(%(severities)s)."
    ): (
        "%(start)s至%(end)s，园区共开展督查%(inspections)s次（%(kinds)s），"
        "涉及企业%(enterprises)s家，发现问题%(findings)s个（%(severities)s）。"
    ),
    gettext_noop("From %(start)s to %(end)s no inspection was completed."): (
        "%(start)s至%(end)s，未完成督查。"
    ),
    gettext_noop("%(kind)s: %(count)s"): "%(kind)s%(count)s次",
    gettext_noop("%(severity)s: %(count)s"): "%(severity)s%(count)s个",
    gettext_noop(", "): "、",
    gettext_noop("; "): "；",
    gettext_noop("none"): "无",
    gettext_noop("%(number)s. %(enterprise)s: %(problems)s."): (
        "%(number)s. %(enterprise)s：%(problems)s。"
    ),
    gettext_noop("%(description)s (%(severity)s)"): "%(description)s（%(severity)s）",
    gettext_noop("No problems were found in this period."): "本期督查未发现问题。",
    gettext_noop(
        "As of %(date)s, of the %(findings)s problems found, %(accepted)s have been rectified "
        "and accepted, %(submitted)s have been rectified and await acceptance, and "
        "%(open)s are still being rectified (%(overdue)s of them past their deadline)."
    ): (
        "截至%(date)s，本期发现的%(findings)s个问题中，已整改并验收%(accepted)s个，"
        "已整改待验收%(submitted)s个，正在整改%(open)s个（其中逾期未整改%(overdue)s个）。"
    ),
    gettext_noop("Past their deadline: %(enterprises)s."): "逾期未整改的企业：%(enterprises)s。",
    gettext_noop("There is nothing to rectify."): "本期无需整改的问题。",
    gettext_noop("%(enterprise)s: %(text)s"): "%(enterprise)s：%(text)s",
    gettext_noop("No good practice was recorded in this period."): "本期督查未记录好的做法。",
    gettext_noop(
        "1. Every enterprise keeps the four no's at its gates and the daily health checks, "
        "and holds its observation room, isolation room and prevention supplies ready.\n"
        "2. The enterprises named above rectify every problem by its deadline and report "
        "the rectification with evidence; a problem found again will be dealt with strictly.\n"
        "3. Liaison officers follow their enterprises' rectification on site, and the "
        "inspection teams keep up unannounced inspections."
    ): (
        "1. 各企业要严格落实卡口“四不”要求和每日健康监测，备好观察室、隔离室和防疫物资。\n"
        "2. 上述企业要对照问题逐项整改到位，按期报送整改情况及佐证材料；"
        "再次发现同类问题的，将严肃处理。\n"
        "3. 各联点干部要跟踪所联系企业的整改落实情况，督查组要持续开展“四不两直”暗访督查。"
    ),
    # Labels of the inspections' choices, as they read in the bulletin.
    gettext_noop("Unannounced inspection"): "四不两直暗访",
    gettext_noop("Routine inspection"): "例行督查",
    gettext_noop("Re-inspection"): "复查",
    gettext_noop("Liaison's follow-up visit"): "联点回访",
    gettext_noop("Minor"): "一般",
    gettext_noop("Major"): "较重",
    gettext_noop("Serious"): "严重",
}


def official(msgid: str, **values) -> str:
    """``msgid`` in the official language, formatted with ``values``."""
    with override(OFFICIAL_LANGUAGE):
        text = gettext(msgid)
    if text == msgid:
        text = FALLBACK.get(msgid, msgid)
    return text % values if values else text


def official_date(day) -> str:
    return official("%(year)s-%(month)s-%(day)s", year=day.year, month=day.month, day=day.day)
