"""Invented but valid rosters: for the demo park, the benchmarks and the tests.

Every ID number has a real county code (including recoded ones, such as 430602 for people born
before it existed), a real birth date and a correct check character; nobody is a real person.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from stdnum.cn import ric

from fugong.core.divisions import all_divisions

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国文辉志红林玲飞鹏斌宇浩凯鑫"
    "婷雪琳欣怡梓涵子轩浩然"
)
# Where the park's workers live: the city's districts and counties, mostly near the park.
RESIDENCES = [
    ("430603", 30),  # 云溪区
    ("430602", 28),  # 岳阳楼区
    ("430611", 8),  # 君山区
    ("430621", 10),  # 岳阳县
    ("430682", 7),  # 临湘市
    ("430623", 5),  # 华容县
    ("430624", 4),  # 湘阴县
    ("430626", 3),  # 平江县
    ("430681", 5),  # 汨罗市
]
# Where holidays were spent, besides at home.
ELSEWHERE = [
    "430102",
    "430104",
    "430111",
    "420102",
    "420106",
    "420111",
    "421002",
    "431002",
    "440305",
    "360102",
    "500103",
]
DEPARTMENTS = [
    "一车间",
    "二车间",
    "三车间",
    "装配车间",
    "仓储部",
    "质检部",
    "行政部",
    "码头作业队",
    "机修班",
]
SHIFTS = ["白班", "中班", "夜班", "常白班"]


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def resident_id(rng: random.Random, county: str, birth: date, sex: str | None = None) -> str:
    sequence = rng.randrange(0, 1000)
    if sex == "M" and sequence % 2 == 0:
        sequence += 1
    if sex == "F" and sequence % 2 == 1:
        sequence = (sequence + 1) % 1000
    body = f"{county}{birth:%Y%m%d}{sequence:03d}"
    number = body + ric.calc_check_digit(body + "0")
    if number.endswith("000"):
        # Real, but what a spreadsheet's damage looks like: an import asks for a confirmation
        # (fugong.core.identity.possibly_truncated). The next number of the same sex instead.
        body = f"{county}{birth:%Y%m%d}{sequence + 2:03d}"
        number = body + ric.calc_check_digit(body + "0")
    return number


def birth_county(rng: random.Random, residence: str) -> str:
    """Mostly the residence; sometimes another real code (people move; codes change)."""
    roll = rng.random()
    if roll < 0.8:
        return residence
    if roll < 0.9:
        return rng.choice(["430602", "430603", "430621", "430600"])
    return rng.choice(
        [code for code in ("430122", "420102", "431002", "360102") if code in all_divisions()]
    )


def mobile(rng: random.Random) -> str:
    return (
        rng.choice(("138", "139", "150", "151", "158", "173", "180", "186", "199"))
        + f"{rng.randrange(10**8):08d}"
    )


def weighted(rng: random.Random, pairs):
    codes, weights = zip(*pairs, strict=True)
    return rng.choices(codes, weights)[0]


def roster_rows(count: int, *, seed: int = 1, today: date | None = None):
    """``count`` rows in the import template's column order (see workforce.imports.COLUMNS)."""
    rng = random.Random(seed)
    today = today or date.today()
    used: set[str] = set()
    for _ in range(count):
        residence = weighted(rng, RESIDENCES)
        birth = date(1962, 1, 1) + timedelta(days=rng.randrange(0, 365 * 42))
        while True:
            number = resident_id(rng, birth_county(rng, residence), birth)
            if number not in used:
                used.add(number)
                break
        away = rng.random() < 0.25
        holiday = rng.choice(ELSEWHERE) if away else residence
        returned = (today - timedelta(days=rng.randrange(1, 25))).isoformat() if away else ""
        if away and rng.random() < 0.02:
            returned = ""  # not told yet: not cleared until it is
        travel = ""
        if rng.random() < 0.05:
            place = rng.choice(ELSEWHERE)
            start = today - timedelta(days=rng.randrange(5, 14))
            travel = f"{place} {start.isoformat()}~{(start + timedelta(days=2)).isoformat()}"
        contact = (
            (today - timedelta(days=rng.randrange(1, 20))).isoformat()
            if rng.random() < 0.003
            else ""
        )
        code_roll = rng.random()
        health = "绿" if code_roll < 0.97 else "黄" if code_roll < 0.995 else "红"
        health_on = (today - timedelta(days=rng.randrange(0, 6))).isoformat()
        yield [
            person_name(rng),
            "居民身份证",
            number,
            mobile(rng),
            rng.choice(DEPARTMENTS),
            rng.choice(SHIFTS),
            f"{rng.randrange(1, 9)}号楼{rng.randrange(1, 6)}{rng.randrange(1, 30):02d}"
            if rng.random() < 0.4
            else "",
            f"{rng.randrange(1, 6)}号线" if rng.random() < 0.3 else "",
            residence,
            holiday,
            returned,
            travel,
            contact,
            "咳嗽" if rng.random() < 0.002 else "",
            health,
            health_on,
        ]
