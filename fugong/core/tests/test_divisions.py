from fugong.core.divisions import county_choices, division_exists, division_get, division_name


def test_current_and_historical_codes_exist():
    assert division_get("430603").name == "云溪区"
    assert division_name("430602") == "湖南省 岳阳市 岳阳楼区"
    # Chongwen District was merged into Dongcheng in 2010; its code is still a real code.
    assert division_exists("110103")
    assert not division_get("110103").is_current


def test_unknown_and_malformed_codes():
    assert not division_exists("999999")
    assert not division_exists("43060")
    assert not division_exists("43060X")
    assert division_name("999999") == "999999"


def test_county_choices_are_current_counties():
    codes = dict(county_choices("4306"))
    assert "430603" in codes
    assert "430600" not in codes  # the prefecture itself
    assert "430601" not in codes  # 市辖区
