"""Vectorised per-record noise: the same person looks different in every source row."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cdp.datagen import locales as L
from cdp.datagen import vec as V
from cdp.datagen.config import Noise
from cdp.datagen.people import Population

JUNK_TEXT = ("N/A", "null", "-", "unknown")
JUNK_EMAILS = ("test@test.com", "noemail@example.com", "n/a", "none@none.com", "no@email.com")
JUNK_PHONES = ("0000000000", "1234567890", "N/A", "000-000-0000", "9999999999")
DOMAIN_TYPOS = {
    "gmail.com": ("gmial.com", "gmail.con", "gmai.com", "gamil.com"),
    "hotmail.com": ("hotmial.com", "hotmail.co", "hotmal.com"),
    "yahoo.com": ("yaho.com", "yahooo.com"),
    "outlook.com": ("outlok.com", "outlook.co"),
}


def _u(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.random(n)


def junk(arr: pa.Array, rng: np.random.Generator, rate: float) -> pa.Array:
    """Replace ``rate`` of the values with junk strings (``N/A``, ``null``, ``-``, ``unknown``)."""
    n = len(arr)
    m = _u(rng, n) < rate
    return V.where(m, V.take(JUNK_TEXT, rng.integers(0, len(JUNK_TEXT), n)), arr) if m.any() else arr


def case_space(arr: pa.Array, rng: np.random.Generator, case_rate: float, space_rate: float) -> pa.Array:
    n = len(arr)
    u = _u(rng, n)
    out = V.where(u < case_rate / 2, pc.utf8_upper(arr), arr)
    out = V.where((u >= case_rate / 2) & (u < case_rate), pc.utf8_lower(arr), out)
    w = _u(rng, n)
    out = V.where(w < space_rate / 3, V.cat(" ", out), out)
    out = V.where((w >= space_rate / 3) & (w < 2 * space_rate / 3), V.cat(out, "  "), out)
    return V.where((w >= 2 * space_rate / 3) & (w < space_rate), V.cat(out, " "), out)


# --- e-mail ------------------------------------------------------------------------------------------------


def _gmail_dots(v: str, r: int) -> str:
    local, _, dom = v.partition("@")
    if "." in local and r % 2 == 0:
        return local.replace(".", "", 1) + "@" + dom
    k = 1 + r % max(len(local) - 1, 1)
    return local[:k] + "." + local[k:] + "@" + dom


def _domain_typo(v: str, r: int) -> str:
    local, _, dom = v.partition("@")
    typos = DOMAIN_TYPOS.get(dom)
    if typos:
        return f"{local}@{typos[r % len(typos)]}"
    k = r % max(len(dom) - 1, 1)
    return f"{local}@{dom[:k]}{dom[k + 1 :]}"


def _malformed(v: str, r: int) -> str:
    kind = r % 4
    if kind == 0:
        return v.replace("@", "", 1)
    if kind == 1:
        return v.replace("@", "@@", 1)
    if kind == 2:
        return v + "."
    return v.replace("@", " at ", 1)


def email(
    arr: pa.Array, rng: np.random.Generator, nz: Noise, missing: float, plus_tag: str = "shop"
) -> pa.Array:
    """Realistic e-mail entry noise (see ``Noise``); ``missing`` is the source-specific missing rate."""
    n = len(arr)
    r = rng.integers(0, 1 << 30, n)
    is_gmail = np.asarray(
        pc.ends_with(arr, "@gmail.com").fill_null(False).to_numpy(zero_copy_only=False), bool
    )
    out = V.map_subset(arr, is_gmail & (_u(rng, n) < nz.gmail_dots), _gmail_dots, r)
    plus = _u(rng, n) < nz.email_plus
    out = V.where(plus, pc.replace_substring(out, "@", f"+{plus_tag}@", max_replacements=1), out)
    out = V.map_subset(out, _u(rng, n) < nz.email_domain_typo, _domain_typo, r)
    out = V.map_subset(out, _u(rng, n) < nz.email_malformed, _malformed, r)
    out = case_space(out, rng, nz.email_case_space * 0.6, nz.email_case_space * 0.4)
    jm = _u(rng, n) < nz.email_junk
    out = V.where(jm, V.take(JUNK_EMAILS, rng.integers(0, len(JUNK_EMAILS), n)), out)
    return V.nullify(out, _u(rng, n) < missing)


# --- phone -------------------------------------------------------------------------------------------------

_CC = [x.calling_code for x in L.LOCALES]
_TRUNK = [x.trunk for x in L.LOCALES]


def e164(pop: Population, person: np.ndarray, nsn: pa.Array | None = None) -> pa.Array:
    nsn = pop.phone_nsn.take(pa.array(person)) if nsn is None else nsn
    return V.cat("+", V.take(_CC, pop.loc[person]), nsn)


def phone(
    pop: Population, person: np.ndarray, rng: np.random.Generator, nz: Noise, nsn: pa.Array | None = None
) -> pa.Array:
    """A phone number as typed into a form: mixed formats, missing, junk, bad lengths."""
    n = len(person)
    nsn = pop.phone_nsn.take(pa.array(person)) if nsn is None else nsn
    loc = pop.loc[person]
    cc = V.take(_CC, loc)
    trunk = V.take(_TRUNK, loc)
    g1 = pc.utf8_slice_codeunits(nsn, 0, 3)
    g2 = pc.utf8_slice_codeunits(nsn, 3, 6)
    g3 = pc.utf8_slice_codeunits(nsn, 6, 20)
    us = loc == L.LOCALE_INDEX["en_US"]
    fmts = [
        V.cat("+", cc, nsn),  # E.164
        V.cat(trunk, nsn),  # national digits
        V.cat(trunk, g1, " ", g2, " ", g3),  # national spaced
        V.cat("+", cc, " ", g1, " ", g2, " ", g3),
        V.cat("00", cc, nsn),
        V.cat(g1, "-", g2, "-", g3),
        V.cat(g1, ".", g2, ".", g3),
        V.cat("(", g1, ") ", g2, "-", g3),
    ]
    choice = V.choice(rng, n, [0.3, 0.2, 0.18, 0.12, 0.05, 0.07, 0.03, 0.05])
    choice = np.where((choice == 7) & ~us, 2, choice)
    out = fmts[0]
    for k in range(1, len(fmts)):
        out = V.where(choice == k, fmts[k], out)
    u = _u(rng, n)
    bad = u < nz.phone_bad_length
    out = V.where(bad & (u < nz.phone_bad_length / 2), pc.utf8_slice_codeunits(out, 0, -2), out)
    out = V.where(bad & (u >= nz.phone_bad_length / 2), V.cat(out, V.num(rng.integers(0, 10, n))), out)
    jm = _u(rng, n) < nz.phone_junk
    out = V.where(jm, V.take(JUNK_PHONES, rng.integers(0, len(JUNK_PHONES), n)), out)
    return V.nullify(out, _u(rng, n) < nz.phone_missing)


# --- names -------------------------------------------------------------------------------------------------


def _typo(v: str, r: int) -> str:
    if len(v) < 3:
        return v
    k = 1 + r % (len(v) - 2)
    kind = (r >> 8) % 3
    if kind == 0:
        return v[:k] + v[k + 1 :]
    if kind == 1:
        return v[: k - 1] + v[k] + v[k - 1] + v[k + 1 :]
    return v[:k] + "aeiouyn"[(r >> 12) % 7] + v[k + 1 :]


def names(
    pop: Population, person: np.ndarray, rng: np.random.Generator, nz: Noise
) -> tuple[pa.Array, pa.Array]:
    """First and last name as recorded by a source (script/romanisation, nicknames, typos, swaps, ...)."""
    n = len(person)
    idx = pa.array(person)
    loc = pop.loc[person]
    first, last = pop.first.take(idx), pop.last.take(idx)
    flat, llat = pop.first_latin.take(idx), pop.last_latin.take(idx)
    zh = loc == L.LOCALE_INDEX["zh_CN"]
    pinyin = zh & (_u(rng, n) < 0.30)
    first, last = V.where(pinyin, flat, first), V.where(pinyin, llat, last)
    diac = np.isin(loc, [L.LOCALE_INDEX[c] for c in ("vi_VN", "pl_PL", "de_DE")]) & (
        _u(rng, n) < nz.name_strip_diacritics
    )
    first, last = V.where(diac, flat, first), V.where(diac, llat, last)
    nick = pop.nickname.take(idx)
    use_nick = (_u(rng, n) < nz.name_nickname) & ~V.is_null(nick)
    first = V.where(use_nick, nick, first)
    r = rng.integers(0, 1 << 30, n)
    first = V.map_subset(first, _u(rng, n) < nz.name_typo, _typo, r)
    last = V.map_subset(last, _u(rng, n) < nz.name_typo / 2, _typo, r >> 3)
    initial = _u(rng, n) < nz.name_initial
    first = V.where(initial, V.cat(pc.utf8_slice_codeunits(first, 0, 1), "."), first)
    swap = _u(rng, n) < nz.name_swap
    first, last = V.where(swap, last, first), V.where(swap, first, last)
    first = case_space(first, rng, nz.name_case, nz.name_space)
    last = case_space(last, rng, nz.name_case, nz.name_space)
    first = V.nullify(first, _u(rng, n) < nz.name_missing)
    last = V.nullify(last, _u(rng, n) < nz.name_missing / 2)
    return junk(first, rng, nz.junk_text), last


def full_name(pop: Population, person: np.ndarray, rng: np.random.Generator, nz: Noise) -> pa.Array:
    """One free-form name field in the locale's usual order ("Nguyễn Văn Nam", "王伟", "John Smith")."""
    first, last = names(pop, person, rng, nz)
    loc = pop.loc[person]
    f = pc.fill_null(first, "")
    la = pc.fill_null(last, "")
    western = pc.utf8_trim_whitespace(V.cat(f, " ", la))
    eastern = pc.utf8_trim_whitespace(V.cat(la, " ", f))
    latin = np.asarray(pc.match_substring_regex(la, "[A-Za-z]").to_numpy(zero_copy_only=False), bool)
    zh_native = (loc == L.LOCALE_INDEX["zh_CN"]) & ~latin
    order_east = (loc == L.LOCALE_INDEX["vi_VN"]) | (loc == L.LOCALE_INDEX["zh_CN"])
    out = V.where(order_east, eastern, western)
    out = V.where(zh_native, pc.replace_substring(eastern, " ", ""), out)
    empty = np.asarray(pc.equal(out, "").fill_null(True).to_numpy(zero_copy_only=False), bool)
    return V.nullify(out, empty)


# --- other attributes --------------------------------------------------------------------------------------


def dob(pop: Population, person: np.ndarray, rng: np.random.Generator, nz: Noise, pattern: str) -> pa.Array:
    """Date of birth in the source's pattern; missing and day/month transposed per noise."""
    n = len(person)
    d = pop.dob_day[person]
    ts = d * 86400
    out = V.fmt_time(ts, pattern)
    civil = V._civil(ts)
    swappable = civil["DD"] <= 12
    swapped_pattern = pattern.replace("MM", "@@").replace("DD", "MM").replace("@@", "DD")
    tr = (_u(rng, n) < nz.dob_transposed) & swappable
    out = V.where(tr, V.fmt_time(ts, swapped_pattern), out)
    return V.nullify(out, _u(rng, n) < nz.dob_missing)


def gender(pop: Population, person: np.ndarray, rng: np.random.Generator) -> pa.Array:
    n = len(person)
    style = V.choice(rng, n, [0.5, 0.3, 0.15, 0.05])
    fem = pop.female[person]
    out = V.where(fem, "F", "M")
    out = V.where(style == 1, V.where(fem, "female", "male"), out)
    out = V.where(style == 2, V.where(fem, "Female", "Male"), out)
    return V.nullify(out, style == 3)


def country(loc: np.ndarray, rng: np.random.Generator) -> pa.Array:
    n = len(loc)
    out: pa.Array = V.nulls(n)
    for li, locale in enumerate(L.LOCALES):
        vals = [v for v, _ in locale.country_variants]
        arr = V.take(vals, V.choice(rng, n, [w for _, w in locale.country_variants]))
        out = V.where(loc == li, arr, out)
    return out


def address(
    pop: Population, person: np.ndarray, rng: np.random.Generator, nz: Noise
) -> tuple[pa.Array, pa.Array, pa.Array]:
    """(street, city, postcode) with abbreviation/case variants, postcode spacing variants and gaps."""
    n = len(person)
    idx = pa.array(person)
    street, city, postcode = pop.street.take(idx), pop.city.take(idx), pop.postcode.take(idx)
    rule = rng.integers(0, len(L.STREET_ABBREVIATIONS), n)
    ab = _u(rng, n) < nz.address_abbrev
    for k, (pat, rep) in enumerate(L.STREET_ABBREVIATIONS):
        m = ab & (rule == k)
        if m.any():
            street = V.where(m, pc.replace_substring(street, pat, rep, max_replacements=1), street)
    street = case_space(street, rng, nz.address_case, nz.name_space)
    city = case_space(city, rng, nz.address_case, nz.name_space / 2)
    pv = _u(rng, n)
    postcode = V.where(pv < nz.postcode_variant / 3, pc.replace_substring(postcode, " ", ""), postcode)
    postcode = V.where(
        (pv >= nz.postcode_variant / 3) & (pv < 2 * nz.postcode_variant / 3),
        pc.utf8_lower(postcode),
        postcode,
    )
    postcode = V.where(
        (pv >= 2 * nz.postcode_variant / 3) & (pv < nz.postcode_variant),
        pc.replace_substring(postcode, "-", ""),
        postcode,
    )
    miss = _u(rng, n) < nz.address_missing
    street = V.nullify(street, miss)
    city = V.nullify(city, miss & (_u(rng, n) < 0.5))
    postcode = V.nullify(postcode, miss & (_u(rng, n) < 0.7))
    return junk(street, rng, nz.junk_text), city, postcode
