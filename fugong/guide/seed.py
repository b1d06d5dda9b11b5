"""The first edition of the park's prevention guide: the items of the State Council's workplace
guide (国务院联防联控机制《企事业单位复工复产疫情防控措施指南》, 21 Feb 2020) and the park's gate
rule (四不). Used by the seeding migration and by tests that start from an empty database."""

from django.utils import timezone

TITLE = "新型冠状病毒感染的肺炎疫情企业防控指南"
NOTES = "依据国务院联防联控机制《企事业单位复工复产疫情防控措施指南》制定。"

ITEMS = [
    (
        "G01",
        "people",
        "对来自疫情严重地区的返岗人员落实医学观察，观察期满且无异常方可上岗。",
        "查看返岗人员来源登记和观察记录。",
    ),
    (
        "G02",
        "entrance",
        "厂区入口设专人值守，对所有进入人员测量体温；暂停指纹考勤。",
        "到入口查看值守人员、测温设备和考勤方式。",
    ),
    (
        "G03",
        "entrance",
        "门岗落实“四不”：无口罩不入内、未测温不入内、未消毒不入内、未登记不入内。",
        "观察门岗实际执行情况，查看登记本。",
    ),
    (
        "G04",
        "entrance",
        "外来人员进入须测温、登记，询问来源地、工作单位、接触疫情发生地区人员等情况。",
        "查看外来人员登记表。",
    ),
    (
        "G05",
        "premises",
        "工作场所优先自然通风；使用中央空调的，保证新风量，关闭回风，排风直接排到室外。",
        "查看车间、办公室通风和空调运行方式。",
    ),
    ("G06", "premises", "配备洗手设施或免洗手消毒液。", "查看洗手点和消毒液配备。"),
    (
        "G07",
        "premises",
        "定时对工作场所、食堂、电梯、卫生间、班车等重点部位消毒，并做好记录。",
        "查看消毒记录和消毒剂库存。",
    ),
    (
        "G08",
        "canteen_dormitory",
        "员工宿舍每间不超过6人，人均面积不少于2.5平方米，保持通风。",
        "抽查宿舍人数和面积。",
    ),
    ("G09", "organisation", "实行错峰上下班，减少人员聚集。", "查看排班表。"),
    ("G10", "organisation", "减少集中开会，控制会议时间，必要时采用视频会议。", "询问会议安排。"),
    (
        "G11",
        "canteen_dormitory",
        "食堂采取错峰用餐或分餐、盒饭，避免面对面就座。",
        "在用餐时段查看食堂。",
    ),
    (
        "G12",
        "medical",
        "设置医务室，或与就近医疗机构建立联系。",
        "查看医务室或联系协议、联系人电话。",
    ),
    ("G13", "premises", "设置废弃口罩专用回收箱，按规定消毒处置。", "查看回收箱位置和处置记录。"),
    ("G14", "people", "开展员工疫情防控知识教育和岗前防疫培训。", "查看培训记录和签到表。"),
    (
        "G15",
        "medical",
        "设置新进员工观察室和应急隔离室，制定发现发热人员的处置流程。",
        "查看观察室、隔离室和处置流程。",
    ),
    (
        "G16",
        "management",
        "明确企业疫情防控第一责任人，建立防控工作小组并配备卫生员。",
        "查看责任人名单和卫生员。",
    ),
    (
        "G17",
        "management",
        "每日汇总员工健康状况，发现异常及时报告园区指挥部。",
        "查看每日健康汇总和报告记录。",
    ),
    ("G18", "medical", "储备充足的口罩、体温计、消毒剂等防疫物资。", "清点防疫物资库存。"),
]


def seed_guide(version_model, item_model):
    """Publish version 1 with ITEMS unless a guide exists. Takes the models as arguments so that
    a migration can pass its historical models."""
    if version_model.objects.exists():
        return None
    now = timezone.now()
    version = version_model.objects.create(
        number=1,
        title=TITLE,
        notes=NOTES,
        status="published",
        effective_date=timezone.localdate(now),
        published_at=now,
        created_at=now,
    )
    item_model.objects.bulk_create(
        item_model(
            version=version,
            code=code,
            position=index * 10,
            category=category,
            text=text,
            guidance=guidance,
        )
        for index, (code, category, text, guidance) in enumerate(ITEMS, start=1)
    )
    return version
