"""The roster file's columns (their Chinese headers, English names and the aliases accepted),
and the roster template: the header row with one example row.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from fugong.core.tabular import Column, xlsx_bytes

COLUMNS = (
    Column("full_name", "姓名", "Name", required=True),
    Column("document_type", "证件类型", "Document type"),
    Column(
        "document_number",
        "证件号码",
        "Document number",
        required=True,
        aliases=("身份证号", "身份证号码", "公民身份号码", "ID number"),
    ),
    Column("phone", "手机号码", "Mobile phone", aliases=("手机", "手机号", "联系电话")),
    Column("department", "部门车间", "Department", aliases=("部门", "车间", "班组")),
    Column("shift", "班次", "Shift"),
    Column("dormitory_room", "宿舍", "Dormitory room", aliases=("宿舍号",)),
    Column("shuttle_route", "班车线路", "Shuttle-bus route", aliases=("班车",)),
    Column(
        "residence", "居住地", "District of residence", required=True, aliases=("属地", "居住地区")
    ),
    Column(
        "holiday_location", "春节去向", "Holiday location", aliases=("假期所在地", "春节所在地")
    ),
    Column("returned_on", "返城日期", "Returned on", aliases=("返岳日期", "到岗日期")),
    Column("travel", "14天内途经地", "Places passed through", aliases=("途经地", "途经地区")),
    Column("contact_on", "接触病例日期", "Contact with a case on", aliases=("接触史日期",)),
    Column("symptoms", "症状", "Symptoms"),
    Column("health_code", "健康码", "Health code"),
    Column("health_code_on", "健康码日期", "Health code date"),
)
HEADER_BY_KEY = {column.key: column.header for column in COLUMNS}


template_title = gettext_lazy("Roster")

TEMPLATE_EXAMPLE = (
    "张伟",
    "居民身份证",
    "43060219800101",  # completed with sequence and check character below
    "13800138000",
    "一车间",
    "白班",
    "3号楼201",
    "1号线",
    "云溪区",
    "湖北省武汉市",
    "2020-02-01",
    "武汉市 2020-01-20~2020-01-25；长沙市",
    "",
    "",
    "绿",
    "2020-02-09",
)


def worker_import_template() -> bytes:
    """The roster template: the header row and one example row (a valid but invented ID)."""
    from stdnum.cn import ric

    example = list(TEMPLATE_EXAMPLE)
    body = example[2] + "123"
    example[2] = body + ric.calc_check_digit(body + "0")
    return xlsx_bytes(str(template_title), [column.header for column in COLUMNS], [example])
