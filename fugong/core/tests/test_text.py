import pytest

from fugong.core.text import name_search_key, normalize_name


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("王　芳", "王芳"),  # the ideographic space an input method puts between the names
        ("王 芳", "王芳"),
        ("  王芳\t", "王芳"),
        ("欧阳　 娜娜", "欧阳娜娜"),
        ("ＳＭＩＴＨ　Ｊｏｈｎ", "SMITH John"),  # full-width Latin folded, one space kept
        ("Smith   John", "Smith John"),
        ("阿卜杜拉 ・ 艾力", "阿卜杜拉·艾力"),  # the middle dot's look-alikes, no spaces around
        ("", ""),
        (None, ""),
    ],
)
def test_names_are_stored_normalised_and_readable(typed, stored):
    assert normalize_name(typed) == stored


def test_a_clean_name_is_returned_as_it_is():
    name = "张三"
    assert normalize_name(name) is name


@pytest.mark.parametrize(
    "query, name",
    [
        ("王 芳", "王　芳"),
        ("smith", "ＳＭＩＴＨ"),
        ("SMITH JOHN", "Smith  John"),
        ("müller", "MÜLLER"),
    ],
)
def test_the_search_key_ignores_width_case_and_spaces(query, name):
    assert name_search_key(query) in name_search_key(name)
