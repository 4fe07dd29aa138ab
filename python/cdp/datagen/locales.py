# ruff: noqa: RUF001  (Persian and Chinese text legitimately contains look-alike characters)
"""Per-locale reference data: name pools (read from Faker's provider classes, never Faker's RNG), countries,
phone numbering, time zones, e-mail domains, currencies and address pieces."""

from __future__ import annotations

import functools
import importlib
import unicodedata
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Locale:
    code: str
    lang: str
    bcp47: str
    country_iso: str
    country_variants: tuple[tuple[str, float], ...]
    calling_code: str
    trunk: str
    mobile_prefixes: tuple[str, ...]
    mobile_len: tuple[int, ...]
    landline_prefixes: tuple[str, ...]
    currency: str
    fx_per_usd: float
    tz_offsets: tuple[tuple[int, float], ...]
    dst: str | None
    email_domains: tuple[tuple[str, float], ...]
    company_tld: str


LOCALES: tuple[Locale, ...] = (
    Locale(
        "en_US",
        "en",
        "en-US",
        "US",
        (("US", 0.4), ("USA", 0.2), ("United States", 0.3), ("us", 0.05), ("United States of America", 0.05)),
        "1",
        "1",
        (
            "201",
            "212",
            "213",
            "305",
            "312",
            "404",
            "415",
            "469",
            "503",
            "512",
            "602",
            "617",
            "702",
            "713",
            "718",
            "773",
            "801",
            "818",
            "904",
            "917",
            "972",
        ),
        (10,),
        ("206", "303", "614", "919"),
        "USD",
        1.0,
        ((-300, 0.47), (-360, 0.29), (-420, 0.07), (-480, 0.17)),
        "us",
        (
            ("gmail.com", 0.45),
            ("yahoo.com", 0.15),
            ("outlook.com", 0.12),
            ("hotmail.com", 0.1),
            ("aol.com", 0.05),
            ("icloud.com", 0.13),
        ),
        ".com",
    ),
    Locale(
        "en_GB",
        "en",
        "en-GB",
        "GB",
        (("GB", 0.35), ("UK", 0.25), ("United Kingdom", 0.3), ("England", 0.1)),
        "44",
        "0",
        ("74", "75", "77", "78", "79"),
        (10,),
        ("20", "161", "121", "113"),
        "GBP",
        0.79,
        ((0, 1.0),),
        "eu",
        (
            ("gmail.com", 0.4),
            ("hotmail.co.uk", 0.15),
            ("yahoo.co.uk", 0.12),
            ("outlook.com", 0.15),
            ("btinternet.com", 0.08),
            ("icloud.com", 0.1),
        ),
        ".co.uk",
    ),
    Locale(
        "vi_VN",
        "vi",
        "vi-VN",
        "VN",
        (("VN", 0.4), ("Vietnam", 0.3), ("Việt Nam", 0.2), ("Viet Nam", 0.1)),
        "84",
        "0",
        (
            "90",
            "91",
            "93",
            "94",
            "96",
            "97",
            "98",
            "86",
            "88",
            "89",
            "70",
            "76",
            "77",
            "78",
            "79",
            "32",
            "33",
            "35",
            "37",
            "39",
            "81",
            "83",
            "85",
        ),
        (9,),
        ("28", "24", "236"),
        "VND",
        25400.0,
        ((420, 1.0),),
        None,
        (("gmail.com", 0.65), ("yahoo.com.vn", 0.2), ("yahoo.com", 0.08), ("outlook.com", 0.07)),
        ".com.vn",
    ),
    Locale(
        "pl_PL",
        "pl",
        "pl-PL",
        "PL",
        (("PL", 0.4), ("Poland", 0.3), ("Polska", 0.3)),
        "48",
        "",
        ("50", "51", "53", "57", "60", "66", "69", "72", "73", "78", "79", "88"),
        (9,),
        ("22", "12", "61", "71"),
        "PLN",
        4.0,
        ((60, 1.0),),
        "eu",
        (
            ("gmail.com", 0.35),
            ("wp.pl", 0.2),
            ("o2.pl", 0.15),
            ("onet.pl", 0.12),
            ("interia.pl", 0.1),
            ("outlook.com", 0.08),
        ),
        ".pl",
    ),
    Locale(
        "fa_IR",
        "fa",
        "fa-IR",
        "IR",
        (("IR", 0.4), ("Iran", 0.35), ("ایران", 0.25)),
        "98",
        "0",
        ("910", "911", "912", "913", "915", "917", "919", "930", "933", "935", "936", "939", "990"),
        (10,),
        ("21", "51", "31"),
        "IRR",
        42000.0,
        ((210, 1.0),),
        None,
        (
            ("gmail.com", 0.55),
            ("yahoo.com", 0.2),
            ("chmail.ir", 0.1),
            ("hotmail.com", 0.1),
            ("mailfa.com", 0.05),
        ),
        ".ir",
    ),
    Locale(
        "zh_CN",
        "zh",
        "zh-CN",
        "CN",
        (("CN", 0.4), ("China", 0.35), ("中国", 0.25)),
        "86",
        "",
        (
            "130",
            "131",
            "132",
            "135",
            "136",
            "137",
            "138",
            "139",
            "150",
            "151",
            "152",
            "158",
            "159",
            "176",
            "177",
            "180",
            "182",
            "186",
            "187",
            "188",
            "189",
            "199",
        ),
        (11,),
        ("10", "21", "20", "755"),
        "CNY",
        7.2,
        ((480, 1.0),),
        None,
        (
            ("qq.com", 0.45),
            ("163.com", 0.25),
            ("126.com", 0.1),
            ("sina.com", 0.07),
            ("gmail.com", 0.08),
            ("outlook.com", 0.05),
        ),
        ".com.cn",
    ),
    Locale(
        "de_DE",
        "de",
        "de-DE",
        "DE",
        (("DE", 0.4), ("Germany", 0.3), ("Deutschland", 0.3)),
        "49",
        "0",
        (
            "151",
            "152",
            "157",
            "159",
            "160",
            "162",
            "163",
            "170",
            "171",
            "172",
            "173",
            "175",
            "176",
            "177",
            "178",
            "179",
        ),
        (10, 11),
        ("30", "89", "40", "221"),
        "EUR",
        0.92,
        ((60, 1.0),),
        "eu",
        (
            ("gmail.com", 0.3),
            ("gmx.de", 0.25),
            ("web.de", 0.22),
            ("t-online.de", 0.1),
            ("outlook.com", 0.08),
            ("yahoo.de", 0.05),
        ),
        ".de",
    ),
)

LOCALE_WEIGHTS: tuple[float, ...] = (0.35, 0.15, 0.12, 0.12, 0.08, 0.10, 0.08)
LOCALE_INDEX = {loc.code: i for i, loc in enumerate(LOCALES)}
LANGS: tuple[str, ...] = ("en", "vi", "pl", "fa", "zh", "de")
LANG_INDEX = {lang: i for i, lang in enumerate(LANGS)}


# --- transliteration ------------------------------------------------------------------------------------

_SPECIAL = str.maketrans({"đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "ß": "ss", "ø": "o", "Ø": "O", "æ": "ae"})
_PERSIAN = {
    "ا": "a",
    "آ": "a",
    "أ": "a",
    "ب": "b",
    "پ": "p",
    "ت": "t",
    "ث": "s",
    "ج": "j",
    "چ": "ch",
    "ح": "h",
    "خ": "kh",
    "د": "d",
    "ذ": "z",
    "ر": "r",
    "ز": "z",
    "ژ": "zh",
    "س": "s",
    "ش": "sh",
    "ص": "s",
    "ض": "z",
    "ط": "t",
    "ظ": "z",
    "ع": "a",
    "غ": "gh",
    "ف": "f",
    "ق": "gh",
    "ک": "k",
    "ك": "k",
    "گ": "g",
    "ل": "l",
    "م": "m",
    "ن": "n",
    "و": "o",
    "ه": "h",
    "ة": "h",
    "ی": "i",
    "ي": "i",
    "ئ": "e",
    "ء": "",
    "\u200c": "",
    " ": " ",
}


def strip_diacritics(s: str) -> str:
    """``Nguyễn`` -> ``Nguyen``, ``Łukasz`` -> ``Lukasz``; non-Latin scripts unchanged."""
    s = s.translate(_SPECIAL)
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def to_ascii(s: str) -> str:
    """Lowercase ASCII letters/digits for e-mail local parts and slugs (Persian transliterated)."""
    s = "".join(_PERSIAN.get(c, c) for c in s)
    s = strip_diacritics(s).lower()
    return "".join(c for c in s if c.isascii() and c.isalnum())


# --- name pools -----------------------------------------------------------------------------------------

_ZH_LAST = dict(
    zip(
        [
            "Bai",
            "Cai",
            "Cao",
            "Chang",
            "Chen",
            "Cheng",
            "Cui",
            "Dai",
            "Deng",
            "Ding",
            "Dong",
            "Du",
            "Duan",
            "Fan",
            "Fang",
            "Feng",
            "Fu",
            "Gao",
            "Gong",
            "Gu",
            "Guo",
            "Han",
            "Hao",
            "He",
            "Hou",
            "Hu",
            "Huang",
            "Jia",
            "Jiang",
            "Jin",
            "Kang",
            "Kong",
            "Lai",
            "Lei",
            "Li",
            "Liang",
            "Liao",
            "Lin",
            "Liu",
            "Long",
            "Lu",
            "Luo",
            "Ma",
            "Mao",
            "Meng",
            "Mo",
            "Pan",
            "Peng",
            "Qian",
            "Qiao",
            "Qin",
            "Qiu",
            "Ren",
            "Shao",
            "Shen",
            "Shi",
            "Song",
            "Su",
            "Sun",
            "Tan",
            "Tang",
            "Tao",
            "Tian",
            "Wan",
            "Wang",
            "Wei",
            "Wen",
            "Wu",
            "Xia",
            "Xiang",
            "Xiao",
            "Xie",
            "Xiong",
            "Xu",
            "Xue",
            "Yan",
            "Yang",
            "Yao",
            "Ye",
            "Yi",
            "Yin",
            "Yu",
            "Yuan",
            "Zeng",
            "Zhang",
            "Zhao",
            "Zheng",
            "Zhong",
            "Zhou",
            "Zhu",
            "Zou",
        ],
        "白蔡曹常陈程崔戴邓丁董杜段范方冯傅高龚顾郭韩郝何侯胡黄贾蒋金康孔赖雷李梁廖林刘龙陆罗马毛孟莫潘彭钱乔秦邱任邵沈石宋苏孙谭唐陶田万王魏文吴夏向肖谢熊徐薛严杨姚叶易尹于袁曾张赵郑钟周朱邹",
        strict=True,
    )
)
_ZH_FIRST = {
    "Chao": ("超", "M"),
    "Fang": ("芳", "F"),
    "Gang": ("刚", "M"),
    "Guiying": ("桂英", "F"),
    "Jie": ("杰", "M"),
    "Jing": ("静", "F"),
    "Juan": ("娟", "F"),
    "Jun": ("军", "M"),
    "Lei": ("磊", "M"),
    "Li": ("丽", "F"),
    "Min": ("敏", "F"),
    "Ming": ("明", "M"),
    "Na": ("娜", "F"),
    "Ping": ("平", "M"),
    "Qiang": ("强", "M"),
    "Tao": ("涛", "M"),
    "Wei": ("伟", "M"),
    "Xia": ("霞", "F"),
    "Xiulan": ("秀兰", "F"),
    "Xiuying": ("秀英", "F"),
    "Yang": ("洋", "M"),
    "Yong": ("勇", "M"),
    "Yan": ("艳", "F"),
}


@dataclass(frozen=True)
class NamePool:
    """Names of one locale: native script, a Latin/romanised twin (same index) and weights."""

    native: tuple[str, ...]
    latin: tuple[str, ...]
    weights: np.ndarray


def _provider(kind: str, code: str) -> type:
    return importlib.import_module(f"faker.providers.{kind}.{code}").Provider


def _pool(names: object, latin: dict[str, str] | None = None) -> NamePool:
    if isinstance(names, dict):
        items = list(names.items())
        native = tuple(k for k, _ in items)
        w = np.array([float(v) for _, v in items])
    else:
        native = tuple(dict.fromkeys(names))  # dedupe, keep order
        w = np.ones(len(native))
    lat = tuple((latin or {}).get(n, strip_diacritics(n)) for n in native)
    return NamePool(native, lat, w / w.sum())


@functools.cache
def name_pools(code: str) -> dict[str, NamePool]:
    """``{"F": first names female, "M": male, "LF": last names for women, "LM": for men}``."""
    p = _provider("person", code)
    if code == "zh_CN":
        from faker.providers.person.zh_CN import Provider as Zh

        surname_w = dict(Zh.last_names)
        last = {h: surname_w.get(h, 0.0002) for h in _ZH_LAST.values()}
        to_pinyin = {h: py for py, h in _ZH_LAST.items()}
        last_pool = _pool(last, to_pinyin)
        fem = {h: py for py, (h, g) in _ZH_FIRST.items() if g == "F"}
        mal = {h: py for py, (h, g) in _ZH_FIRST.items() if g == "M"}
        return {"F": _pool(list(fem), fem), "M": _pool(list(mal), mal), "LF": last_pool, "LM": last_pool}
    if code == "vi_VN":
        fem = [*p.first_names_female, *p.first_names_unisex]
        mal = [*p.first_names_male, *p.first_names_unisex]
        last = _pool(p.last_names)
        return {"F": _pool(fem), "M": _pool(mal), "LF": last, "LM": last}
    if code == "pl_PL":
        male_last = [*p.male_last_names, *p.unisex_last_names[:600]]
        fem_last = [_feminine_pl(n) for n in male_last]
        return {
            "F": _pool(p.first_names_female),
            "M": _pool(p.first_names_male),
            "LF": _pool(fem_last),
            "LM": _pool(male_last),
        }
    last = _pool(p.last_names)
    return {"F": _pool(p.first_names_female), "M": _pool(p.first_names_male), "LF": last, "LM": last}


def _feminine_pl(name: str) -> str:
    for suffix in ("ski", "cki", "dzki"):
        if name.endswith(suffix):
            return name[:-1] + "a"
    return name


@functools.cache
def vi_middle_names() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Vietnamese middle names for (women, men)."""
    return ("Thị", "Ngọc", "Thu", "Mai", "Thanh", "Bảo"), (
        "Văn",
        "Quang",
        "Đức",
        "Hữu",
        "Minh",
        "Thế",
        "Xuân",
    )


@functools.cache
def jobs(code: str) -> tuple[str, ...]:
    src = "en_US" if code == "en_GB" else code
    return tuple(dict.fromkeys(_provider("job", src).jobs))


# --- addresses ------------------------------------------------------------------------------------------

CITIES: dict[str, tuple[str, ...]] = {
    "en_US": (
        "New York",
        "Los Angeles",
        "Chicago",
        "Houston",
        "Phoenix",
        "Philadelphia",
        "San Antonio",
        "San Diego",
        "Dallas",
        "Austin",
        "Jacksonville",
        "Columbus",
        "Charlotte",
        "Indianapolis",
        "San Francisco",
        "Seattle",
        "Denver",
        "Boston",
        "Nashville",
        "Portland",
        "Las Vegas",
        "Detroit",
        "Memphis",
        "Atlanta",
        "Miami",
        "Minneapolis",
        "Tampa",
        "Springfield",
        "Madison",
        "Salem",
    ),
    "en_GB": (
        "London",
        "Birmingham",
        "Manchester",
        "Leeds",
        "Glasgow",
        "Liverpool",
        "Bristol",
        "Sheffield",
        "Edinburgh",
        "Cardiff",
        "Leicester",
        "Nottingham",
        "Newcastle upon Tyne",
        "Brighton",
        "Southampton",
        "Reading",
        "York",
        "Oxford",
        "Cambridge",
        "Norwich",
        "Bath",
        "Exeter",
        "Belfast",
        "Coventry",
    ),
    "fa_IR": (
        "تهران",
        "مشهد",
        "اصفهان",
        "کرج",
        "شیراز",
        "تبریز",
        "قم",
        "اهواز",
        "کرمانشاه",
        "ارومیه",
        "رشت",
        "زاهدان",
        "کرمان",
        "همدان",
        "یزد",
        "اردبیل",
        "بندرعباس",
        "قزوین",
    ),
}

STREET_TYPES: dict[str, tuple[str, ...]] = {
    "en_US": ("Street", "Avenue", "Road", "Lane", "Drive", "Court", "Boulevard", "Place"),
    "en_GB": ("Street", "Road", "Lane", "Avenue", "Close", "Drive", "Way", "Gardens"),
    "de_DE": ("straße", "weg", "allee", "platz", "gasse", "ring"),
    "fa_IR": ("خیابان", "کوچه", "بلوار", "میدان"),
    "zh_CN": ("路", "街", "大道"),
}
EXTRA_STREET_NAMES: dict[str, tuple[str, ...]] = {
    "en_US": ("Oak", "Maple", "Pine", "Cedar", "Elm", "Washington", "Lake", "Hill", "Park", "Main", "Sunset"),
    "en_GB": ("High", "Station", "Church", "Mill", "Victoria", "Green", "Manor", "Park", "Queen's", "King's"),
    "de_DE": ("Haupt", "Bahnhof", "Schul", "Garten", "Berg", "Linden", "Kirch", "Wald", "Goethe", "Schiller"),
}

#: (pattern, replacement) abbreviation variants applied to street strings by the address-noise step.
STREET_ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    ("Street", "St."),
    ("Street", "st"),
    ("Street", "St"),
    ("Road", "Rd"),
    ("Road", "Rd."),
    ("Avenue", "Ave"),
    ("Avenue", "Av."),
    ("Lane", "Ln"),
    ("Drive", "Dr."),
    ("Boulevard", "Blvd"),
    ("Court", "Ct"),
    ("Place", "Pl"),
    ("ul. ", "ulica "),
    ("ul. ", ""),
    ("ul. ", "Ul. "),
    ("Đường ", "Đ. "),
    ("Đường ", "đường "),
    ("Đường ", ""),
    ("straße", "str."),
    ("straße", "strasse"),
    ("Straße", "Str."),
    ("خیابان", "خ."),
    ("路", "路 "),
)

GB_POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


@functools.cache
def vi_streets() -> tuple[str, ...]:
    return tuple(dict.fromkeys(_provider("address", "vi_VN").streets))


@functools.cache
def cities(code: str) -> tuple[str, ...]:
    if code in CITIES:
        return CITIES[code]
    p = _provider("address", code)
    return tuple(dict.fromkeys(p.cities))


@functools.cache
def pl_streets() -> tuple[str, ...]:
    return tuple(dict.fromkeys(_provider("address", "pl_PL").streets))


@functools.cache
def zh_districts() -> tuple[str, ...]:
    return tuple(dict.fromkeys(_provider("address", "zh_CN").districts))


@functools.cache
def company_suffixes(code: str) -> tuple[str, ...]:
    if code == "en_US":
        return ("Inc.", "LLC", "Group", "Corp.", "& Co.", "Partners")
    if code == "en_GB":
        return ("Ltd", "plc", "& Sons", "Group", "LLP")
    return tuple(dict.fromkeys(_provider("company", code).company_suffixes))


@functools.cache
def fa_company_names() -> tuple[str, ...]:
    return tuple(dict.fromkeys(_provider("company", "fa_IR").company_names))


@functools.cache
def zh_company_prefixes() -> tuple[str, ...]:
    return tuple(dict.fromkeys(_provider("company", "zh_CN").company_prefixes))


# --- daylight saving ------------------------------------------------------------------------------------


def _nth_sunday(year: int, month: int, n: int) -> int:
    """Epoch day of the n-th Sunday (n=-1: last) of a month."""
    first = np.datetime64(f"{year}-{month:02d}-01").astype(np.int64)
    # 1970-01-01 was a Thursday; weekday 0=Monday.
    wd = (first + 3) % 7
    first_sun = first + (6 - wd) % 7
    if n > 0:
        return int(first_sun + 7 * (n - 1))
    nxt = np.datetime64(f"{year + (month == 12)}-{month % 12 + 1:02d}-01").astype(np.int64)
    last = nxt - 1
    return int(last - ((last + 3) % 7 + 1) % 7)


def dst_minutes(ts: np.ndarray, rule: str | None) -> np.ndarray:
    """60 where daylight saving applies at UTC epoch seconds ``ts`` under ``rule`` ("eu", "us"), else 0."""
    ts = np.asarray(ts, dtype=np.int64)
    out = np.zeros(len(ts), dtype=np.int64)
    if rule is None or len(ts) == 0:
        return out
    y0 = int(ts.min().astype("datetime64[s]").astype("datetime64[Y]").astype(int)) + 1970
    y1 = int(ts.max().astype("datetime64[s]").astype("datetime64[Y]").astype(int)) + 1970
    for y in range(y0, y1 + 1):
        if rule == "eu":
            start = _nth_sunday(y, 3, -1) * 86400 + 3600
            end = _nth_sunday(y, 10, -1) * 86400 + 3600
        else:
            start = _nth_sunday(y, 3, 2) * 86400 + 7 * 3600
            end = _nth_sunday(y, 11, 1) * 86400 + 6 * 3600
        out[(ts >= start) & (ts < end)] = 60
    return out
