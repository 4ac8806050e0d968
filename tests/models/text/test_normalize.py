from wenzhai.models.text.letterspacing import remove_letter_spacing
from wenzhai.models.text.mapped import MappedText
from wenzhai.models.text.normalize import normalize, to_half_width


def test_full_width_digits_and_letters_become_ascii():
    assert "".join(map(to_half_width, "２０２３年ＡＰＰ版ａｂｃ")) == "2023年APP版abc"


def test_chinese_punctuation_is_kept():
    text = "，。；：“”！？（）【】、"
    assert "".join(map(to_half_width, text)) == text


def test_normalize_drops_invisible_characters_and_keeps_offsets():
    out = normalize(MappedText.from_source("\ufeff中\u200b文１", 0))
    assert out.text == "中文1"
    assert out.offsets == (1, 3, 4)


def _spaced(text: str) -> str:
    return remove_letter_spacing(MappedText.from_source(text)).text


def test_letter_spacing_between_cjk_is_removed():
    assert _spaced("给 人 们 办 事 带 来 诸 多") == "给人们办事带来诸多"


def test_spaces_next_to_digits_and_cjk_are_removed():
    assert _spaced("2018 年 9 月 26 日") == "2018年9月26日"
    assert _spaced("37565 元，连续 38 年") == "37565元，连续38年"


def test_latin_words_keep_one_space():
    assert _spaced("New   York Times") == "New York Times"
    assert _spaced("登录 APP 迅速") == "登录APP迅速"


def test_full_width_space_counts_as_letter_spacing_and_ends_are_stripped():
    assert _spaced("　　电 子\t证 照 ") == "电子证照"


def test_kept_space_maps_to_the_input_whitespace():
    line = MappedText.from_source("xx a\t\tb", 2)
    out = remove_letter_spacing(line)
    assert out.text == "a b"
    assert out.offsets == (3, 4, 6)
