"""The hidden population: people, households and their identifiers (accounts, cookies, devices, ...)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from cdp.datagen import locales as L
from cdp.datagen import vec as V
from cdp.datagen.config import GenConfig
from cdp.datagen.nicknames import NICKNAMES

DAY = 86400


@dataclass
class Entities:
    """An identifier table sorted by ``person`` (a person may own several; shared ones repeat per person)."""

    person: np.ndarray
    ids: pa.Array
    kind: np.ndarray  # small int attribute (device type / platform / shared flag ...)
    shared: np.ndarray

    def range_of(self, lo: int, hi: int) -> slice:
        return slice(int(np.searchsorted(self.person, lo)), int(np.searchsorted(self.person, hi)))

    def first_of(self, n_people: int) -> np.ndarray:
        """Index of each person's first entity, -1 if none."""
        out = np.full(n_people, -1, dtype=np.int64)
        own = ~self.shared
        idx = np.nonzero(own)[0]
        p = self.person[idx]
        first = np.unique(p, return_index=True)
        out[first[0]] = idx[first[1]]
        return out


@dataclass
class Population:
    n: int
    pid: pa.Array
    loc: np.ndarray
    lang: np.ndarray
    female: np.ndarray
    first: pa.Array
    last: pa.Array
    first_latin: pa.Array
    last_latin: pa.Array
    nickname: pa.Array
    dob_day: np.ndarray
    email: pa.Array
    work_email: pa.Array
    phone_nsn: pa.Array
    landline_nsn: pa.Array
    street: pa.Array
    city: pa.Array
    postcode: pa.Array
    household: np.ndarray
    tz_base: np.ndarray
    job: pa.Array
    company: pa.Array
    loyalty: pa.Array
    twitter: pa.Array
    instagram: pa.Array
    home_ip: np.ndarray
    since_ts: np.ndarray
    accounts: Entities
    cookies: Entities
    devices: Entities
    account_of: np.ndarray

    def offsets_at(self, person: np.ndarray, ts: np.ndarray) -> np.ndarray:
        """UTC offset in minutes of each ``person`` at UTC ``ts`` (daylight saving included)."""
        loc = self.loc[person]
        out = self.tz_base[person].copy()
        for i, locale in enumerate(L.LOCALES):
            if locale.dst:
                m = loc == i
                out[m] += L.dst_minutes(ts[m], locale.dst)
        return out


def scramble(i: np.ndarray, lo: int, span_prime: int, mult: int, add: int) -> np.ndarray:
    """A bijection of ``0..span_prime-1`` onto itself plus ``lo``: unique, random-looking numeric ids."""
    i = np.asarray(i, dtype=np.int64)
    return lo + (i * mult + add) % span_prime


def _mailbox_key(values: pa.Array) -> pd.Series:
    """The mailbox an address delivers to: lower case, and for Gmail without the dots of the local part.

    ``jodie.carr@gmail.com`` and ``jodiecarr@gmail.com`` are one Gmail account, so two people can never hold
    both; uniqueness of generated e-mails is checked on this key, not on the spelling.
    """
    s = pd.Series(values.to_pandas(), dtype=object).str.lower()
    parts = s.str.rsplit("@", n=1, expand=True).reindex(columns=[0, 1])
    gmail = parts[1].isin(["gmail.com", "googlemail.com"])
    local = parts[0].where(~gmail, parts[0].str.replace(".", "", regex=False))
    domain = parts[1].where(~gmail, "gmail.com")
    return (local + "@" + domain).where(s.notna())


def _dedupe(
    rng: np.random.Generator,
    values: pa.Array,
    fix: Callable[[pa.Array, np.ndarray, int], pa.Array],
    key: Callable[[pa.Array], pd.Series] | None = None,
) -> pa.Array:
    """Make non-null values unique by re-deriving the duplicates with ``fix(values, mask, round)``.

    ``key`` maps the values to what must be unique (default: the values themselves).
    """
    for rnd in range(12):
        s = key(values) if key else pd.Series(values.to_pandas())
        dup = (s.duplicated(keep="first") & s.notna()).to_numpy()
        if not dup.any():
            return values
        values = V.where(dup, fix(values, dup, rnd), values)
    raise RuntimeError("could not make identifiers unique")


def _pool_arrays() -> dict[
    str, tuple[pa.Array, pa.Array, pa.Array, np.ndarray, np.ndarray, list[np.ndarray]]
]:
    """Flattened name pools per kind: native, latin, ascii, offsets[loc], counts[loc], weights per loc."""
    out = {}
    for kind in ("F", "M", "LF", "LM"):
        native: list[str] = []
        latin: list[str] = []
        offsets, counts, weights = [], [], []
        for loc in L.LOCALES:
            p = L.name_pools(loc.code)[kind]
            nat, lat, w = list(p.native), list(p.latin), p.weights
            if loc.code == "zh_CN" and kind in ("F", "M"):
                pairs = [(a, b) for a in range(len(nat)) for b in range(len(nat)) if a != b]
                nat = nat + [nat[a] + nat[b] for a, b in pairs]
                lat = lat + [lat[a] + lat[b].lower() for a, b in pairs]
                w = np.concatenate([w * 0.5, np.full(len(pairs), 0.5 / len(pairs))])
            offsets.append(len(native))
            counts.append(len(nat))
            weights.append(np.asarray(w) / np.sum(w))
            native += nat
            latin += lat
        out[kind] = (
            V.sarr(native),
            V.sarr(latin),
            V.sarr([L.to_ascii(x) for x in latin]),
            np.array(offsets),
            np.array(counts),
            weights,
        )
    return out


def _weighted_idx(rng: np.random.Generator, weights: np.ndarray, n: int) -> np.ndarray:
    return V.choice(rng, n, weights)


def build_population(cfg: GenConfig) -> Population:
    """Draw the population (deterministic in ``cfg.seed``)."""
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([cfg.seed, 1001])))
    vol = cfg.volumes
    n = cfg.people
    width = max(7, len(str(n)))
    pid = V.cat("P", V.num(np.arange(n), width))
    loc = V.choice(rng, n, L.LOCALE_WEIGHTS).astype(np.int64)
    lang = np.array([L.LANG_INDEX[x.lang] for x in L.LOCALES])[loc]
    female = rng.random(n) < 0.5

    # --- names: indices into the per-locale pools ---------------------------------------------------------
    pools = _pool_arrays()
    first_i = np.zeros(n, dtype=np.int64)
    last_i = np.zeros(n, dtype=np.int64)  # local index, aligned between LF and LM
    for li in range(len(L.LOCALES)):
        for g, kind in ((True, "F"), (False, "M")):
            m = (loc == li) & (female == g)
            first_i[m] = _weighted_idx(rng, pools[kind][5][li], int(m.sum()))
        m = loc == li
        last_i[m] = _weighted_idx(rng, pools["LM"][5][li], int(m.sum()))

    # households: people of the same locale grouped 2-4
    household = np.full(n, -1, dtype=np.int64)
    in_hh = np.nonzero(rng.random(n) < vol.household_share)[0]
    in_hh = in_hh[np.argsort(loc[in_hh], kind="stable")]
    heads: list[int] = []
    pos = 0
    sizes = rng.integers(2, 5, size=len(in_hh) + 1)
    hh_members: list[np.ndarray] = []
    while pos < len(in_hh) - 1:
        size = int(sizes[len(heads)])
        grp = in_hh[pos : pos + size]
        grp = grp[loc[grp] == loc[grp[0]]]
        pos += max(size, 1) if len(grp) == size else len(grp)
        if len(grp) < 2:
            continue
        household[grp] = len(heads)
        heads.append(int(grp[0]))
        hh_members.append(grp)
    head_of = np.full(n, -1, dtype=np.int64)
    for grp in hh_members:
        head_of[grp] = grp[0]
    members = np.nonzero((head_of >= 0) & (head_of != np.arange(n)))[0]
    share_last = members[rng.random(len(members)) < 0.6]
    last_i[share_last] = last_i[head_of[share_last]]

    # ~1 % clone an unrelated person's first + last name (and gender) within the same locale
    clones = np.nonzero(rng.random(n) < vol.same_name_clone_share)[0]
    for li in range(len(L.LOCALES)):
        cl = clones[loc[clones] == li]
        donors_pool = np.nonzero(loc == li)[0]
        if len(cl) and len(donors_pool) > 1:
            donors = donors_pool[rng.integers(0, len(donors_pool), size=len(cl))]
            ok = (donors != cl) & ((household[donors] < 0) | (household[donors] != household[cl]))
            cl, donors = cl[ok], donors[ok]
            female[cl] = female[donors]
            first_i[cl] = first_i[donors]
            last_i[cl] = last_i[donors]

    fk = np.where(female, 0, 1)
    first_g = np.where(fk == 0, pools["F"][3][loc], pools["M"][3][loc]) + first_i
    last_g = np.where(fk == 0, pools["LF"][3][loc], pools["LM"][3][loc]) + last_i

    def name_take(col: int) -> tuple[pa.Array, pa.Array]:
        fi, mi = pa.array(np.where(female, first_g, 0)), pa.array(np.where(female, 0, first_g))
        lfi, lmi = pa.array(np.where(female, last_g, 0)), pa.array(np.where(female, 0, last_g))
        fst = V.where(female, pools["F"][col].take(fi), pools["M"][col].take(mi))
        lst = V.where(female, pools["LF"][col].take(lfi), pools["LM"][col].take(lmi))
        return fst, lst

    first, last = name_take(0)
    first_latin, last_latin = name_take(1)
    first_ascii, last_ascii = name_take(2)

    # Vietnamese middle names become part of the first-name field ("Văn Nam")
    vi = (loc == L.LOCALE_INDEX["vi_VN"]) & (rng.random(n) < 0.6)
    mid_f, mid_m = L.vi_middle_names()
    mid = V.where(
        female, V.take(mid_f, rng.integers(0, len(mid_f), n)), V.take(mid_m, rng.integers(0, len(mid_m), n))
    )
    first = V.where(vi, V.cat(mid, " ", first), first)
    first_latin = V.where(
        vi,
        V.cat(
            V.take(pa.array([L.strip_diacritics(x) for x in mid.to_pylist()]), np.arange(n)), " ", first_latin
        ),
        first_latin,
    )

    nick_map = pa.array([NICKNAMES.get(x) for x in first_latin.to_pylist()], type=V.STR)
    is_en = np.isin(lang, [L.LANG_INDEX["en"]])
    nickname = V.nullify(nick_map, ~is_en)

    # --- dob, since ------------------------------------------------------------------------------------
    end_day = cfg.end_ts // DAY
    dob_day = end_day - rng.integers(int(18 * 365.25), int(85 * 365.25), size=n)
    since_ts = np.where(
        rng.random(n) < 0.6,
        cfg.start_ts - rng.integers(0, 5 * 365 * DAY, size=n),
        cfg.start_ts + rng.integers(0, cfg.days * DAY, size=n),
    )

    # --- e-mail ------------------------------------------------------------------------------------------
    year = (dob_day.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970).astype(np.int64)
    dig = np.where(
        rng.random(n) < 0.5, year, np.where(rng.random(n) < 0.5, year % 100 + 100, rng.integers(1, 999, n))
    )
    digs = V.where(dig >= 100, V.num(dig), V.num(dig, 2))
    digs = V.where((dig >= 100) & (dig < 200), V.num(dig - 100, 2), digs)
    f1 = pa.compute.utf8_slice_codeunits(first_ascii, 0, 1)
    pattern = V.choice(rng, n, [0.28, 0.12, 0.06, 0.12, 0.07, 0.12, 0.15, 0.08])
    local = V.cat(first_ascii, ".", last_ascii)
    alts = [
        V.cat(first_ascii, last_ascii),
        V.cat(first_ascii, "_", last_ascii),
        V.cat(f1, last_ascii),
        V.cat(last_ascii, ".", first_ascii),
        V.cat(first_ascii, digs),
        V.cat(first_ascii, ".", last_ascii, digs),
        V.cat(last_ascii, f1, digs),
    ]
    for k, alt in enumerate(alts, start=1):
        local = V.where(pattern == k, alt, local)
    domain = pa.array(np.empty(n, dtype=object), type=V.STR)
    dom_parts = []
    for li, locale in enumerate(L.LOCALES):
        doms = [d for d, _ in locale.email_domains]
        dom_parts.append((li, V.take(doms, V.choice(rng, n, [w for _, w in locale.email_domains]))))
    domain = dom_parts[0][1]
    for li, arr in dom_parts[1:]:
        domain = V.where(loc == li, arr, domain)
    email = V.cat(local, "@", domain)
    email = _dedupe(
        rng,
        email,
        lambda v, m, r: V.cat(
            local, V.num(rng.integers(10 ** (r // 4 + 1), 10 ** (r // 4 + 3), n)), "@", domain
        ),
        key=_mailbox_key,
    )

    # company and work e-mail
    company, slug = _companies(rng, loc, pools)
    work = rng.random(n) < vol.work_email_share
    tld = V.take([x.company_tld for x in L.LOCALES], loc)
    work_email = V.nullify(V.cat(first_ascii, ".", last_ascii, "@", slug, tld), ~work)
    work_email = _dedupe(
        rng, work_email, lambda v, m, r: V.cat(f1, last_ascii, V.num(rng.integers(2, 99, n)), "@", slug, tld)
    )
    job = _jobs(rng, loc)

    # phones
    phone_nsn = _numbers(rng, loc, mobile=True)
    phone_nsn = _dedupe(rng, phone_nsn, lambda v, m, r: _numbers(rng, loc, mobile=True))

    # address
    street, city, postcode = _addresses(rng, loc, pools, last_g)
    tz_base = np.zeros(n, dtype=np.int64)
    for li, locale in enumerate(L.LOCALES):
        m = loc == li
        offs = [o for o, _ in locale.tz_offsets]
        tz_base[m] = np.array(offs)[V.choice(rng, int(m.sum()), [w for _, w in locale.tz_offsets])]
    home_ip = rng.integers(16_777_216 * 20, 16_777_216 * 220, size=n)
    # households share address, home IP, time zone and sometimes a landline
    hh = head_of >= 0
    idx = np.where(hh, head_of, np.arange(n))
    street, city, postcode = (
        street.take(pa.array(idx)),
        city.take(pa.array(idx)),
        postcode.take(pa.array(idx)),
    )
    home_ip = home_ip[idx]
    tz_base = tz_base[idx]
    landline_hh = rng.random(n) < 0.5
    landline = _numbers(rng, loc, mobile=False).take(pa.array(idx))
    landline_nsn = V.nullify(landline, ~(hh & landline_hh[idx]))

    # loyalty card, social handles
    loyalty = V.nullify(
        V.cat("LC", V.num(scramble(np.arange(n), 10**9, 8_999_999_993, 4_000_037, rng.integers(1, 10**6)))),
        rng.random(n) >= vol.loyalty_share,
    )
    social = rng.random(n) < vol.handle_share
    handle = V.cat(
        first_ascii, V.take(["", "_", "."], rng.integers(0, 3, n)), last_ascii, V.num(rng.integers(1, 99, n))
    )
    handle = _dedupe(
        rng, V.nullify(handle, ~social), lambda v, m, r: V.cat(v, V.num(rng.integers(1, 999, n)))
    )
    plat = rng.random(n)
    twitter = V.nullify(handle, (plat >= 0.3) & (plat < 0.6))
    instagram = V.nullify(V.where(plat < 0.8, handle, V.cat(handle, "_")), plat < 0.3)

    accounts = _accounts(rng, cfg, since_ts)
    account_of = accounts.first_of(n)
    cookies, devices = _cookies_devices(rng, cfg, head_of)

    return Population(
        n=n,
        pid=pid,
        loc=loc,
        lang=lang,
        female=female,
        first=first,
        last=last,
        first_latin=first_latin,
        last_latin=last_latin,
        nickname=nickname,
        dob_day=dob_day,
        email=email,
        work_email=work_email,
        phone_nsn=phone_nsn,
        landline_nsn=landline_nsn,
        street=street,
        city=city,
        postcode=postcode,
        household=household,
        tz_base=tz_base,
        job=job,
        company=company,
        loyalty=loyalty,
        twitter=twitter,
        instagram=instagram,
        home_ip=home_ip,
        since_ts=since_ts,
        accounts=accounts,
        cookies=cookies,
        devices=devices,
        account_of=account_of,
    )


def _by_locale(
    rng: np.random.Generator, loc: np.ndarray, make: Callable[[int, L.Locale, int], pa.Array]
) -> pa.Array:
    """A per-locale string column; ``make(li, locale, k)`` gives the values for the k people of locale li."""
    n = len(loc)
    out: pa.Array | None = None
    for li, locale in enumerate(L.LOCALES):
        m = loc == li
        k = int(m.sum())
        part = make(li, locale, k)
        full = np.zeros(n, dtype=np.int64)
        full[m] = np.arange(k)
        arr = part.take(pa.array(full)) if k else V.nulls(n)
        out = arr if out is None else V.where(m, arr, out)
    assert out is not None
    return out


def _numbers(rng: np.random.Generator, loc: np.ndarray, mobile: bool) -> pa.Array:
    """National significant numbers (no trunk prefix) of realistic length per country."""

    def make(li: int, locale: L.Locale, k: int) -> pa.Array:
        prefixes = locale.mobile_prefixes if mobile else locale.landline_prefixes
        pi = rng.integers(0, len(prefixes), k)
        if mobile:
            lengths = np.array(locale.mobile_len)[rng.integers(0, len(locale.mobile_len), k)]
        else:
            lengths = np.full(k, 9 if locale.country_iso == "PL" else 10)
        plen = np.array([len(p) for p in prefixes])[pi]
        rest = lengths - plen
        maxw = int(rest.max()) if k else 1
        body = V.digits(rng, k, maxw)
        out = V.cat(V.take(prefixes, pi), body)
        for w in np.unique(rest):
            if w != maxw:
                cut = V.cat(V.take(prefixes, pi), pa.compute.utf8_slice_codeunits(body, 0, int(w)))
                out = V.where(rest == w, cut, out)
        if locale.country_iso == "US":  # exchange must not start with 0/1
            out = V.cat(
                pa.compute.utf8_slice_codeunits(out, 0, 3),
                V.num(rng.integers(2, 10, k)),
                pa.compute.utf8_slice_codeunits(out, 4, 10),
            )
        return out

    return _by_locale(rng, loc, make)


def _companies(rng: np.random.Generator, loc: np.ndarray, pools: dict) -> tuple[pa.Array, pa.Array]:
    """Employer name (local style) and an ASCII slug for the work e-mail domain; ~120 companies per locale."""
    names: list[str] = []
    slugs: list[str] = []
    offs, counts = [], []
    crng = np.random.default_rng(np.random.SeedSequence([7, 77]))  # fixed company directory
    for locale in L.LOCALES:
        offs.append(len(names))
        lastp = L.name_pools(locale.code)["LM"]
        suffixes = L.company_suffixes(locale.code)
        for _ in range(120):
            a = int(crng.integers(0, len(lastp.native)))
            b = int(crng.integers(0, len(lastp.native)))
            suf = suffixes[int(crng.integers(0, len(suffixes)))]
            if locale.code == "fa_IR":
                pool = L.fa_company_names()
                nm = pool[int(crng.integers(0, len(pool)))]
                sl = L.to_ascii(nm)[:14] or "sherkat"
            elif locale.code == "zh_CN":
                pref = L.zh_company_prefixes()
                nm = pref[int(crng.integers(0, len(pref)))] + suf
                sl = (lastp.latin[a] + lastp.latin[b]).lower() + "tech"
            elif locale.code == "vi_VN":
                fp = L.name_pools("vi_VN")["M"]
                x, y = fp.native[a % len(fp.native)], fp.native[b % len(fp.native)]
                nm = f"{suf} {x} {y}"
                sl = L.to_ascii(x + y)
            elif locale.code == "pl_PL" and crng.random() < 0.4:
                pre = ("Grupa", "PPUH", "Fundacja", "Spółdzielnia")[int(crng.integers(0, 4))]
                nm = f"{pre} {lastp.native[a]}"
                sl = L.to_ascii(lastp.latin[a])
            elif crng.random() < 0.3:
                nm = f"{lastp.native[a]} & {lastp.native[b]} {suf}"
                sl = L.to_ascii(lastp.latin[a]) + L.to_ascii(lastp.latin[b])
            else:
                nm = f"{lastp.native[a]} {suf}"
                sl = L.to_ascii(lastp.latin[a]) + ("group" if crng.random() < 0.3 else "")
            names.append(nm)
            slugs.append(sl)
        counts.append(len(names) - offs[-1])
    idx = V.pick_within(rng, np.array(offs), np.array(counts), loc)
    return V.take(names, idx), V.take(slugs, idx)


def _jobs(rng: np.random.Generator, loc: np.ndarray) -> pa.Array:
    pool: list[str] = []
    offs, counts = [], []
    for locale in L.LOCALES:
        offs.append(len(pool))
        j = L.jobs(locale.code)
        pool += j
        counts.append(len(j))
    return V.take(pool, V.pick_within(rng, np.array(offs), np.array(counts), loc))


def _addresses(
    rng: np.random.Generator, loc: np.ndarray, pools: dict, last_g: np.ndarray
) -> tuple[pa.Array, pa.Array, pa.Array]:
    n = len(loc)
    last_native = pools["LM"][0]
    last_latin = pools["LM"][1]

    def street(li: int, locale: L.Locale, k: int) -> pa.Array:
        code = locale.code
        num = V.num(rng.integers(1, 300 if code != "en_US" else 9999, k))
        if code in ("en_US", "en_GB", "de_DE"):
            pool = list(
                dict.fromkeys(
                    [
                        *last_latin.take(
                            pa.array(pools["LM"][3][li] + np.arange(min(300, pools["LM"][4][li])))
                        ).to_pylist(),
                        *L.EXTRA_STREET_NAMES[code],
                    ]
                )
            )
            nm = V.take(pool, rng.integers(0, len(pool), k))
            typ = V.take(
                L.STREET_TYPES[code], V.choice(rng, k, [6, 3, 2, 1, 1, 1, 1, 1][: len(L.STREET_TYPES[code])])
            )
            if code == "de_DE":
                return V.cat(nm, typ, " ", num)
            return V.cat(num, " ", nm, " ", typ)
        if code == "vi_VN":
            pool = L.vi_streets()
            nm = V.take(pool, rng.integers(0, len(pool), k))
            return V.cat(num, " ", V.take(["Đường ", "Đường ", "Phố ", ""], rng.integers(0, 4, k)), nm)
        if code == "pl_PL":
            pool = L.pl_streets()
            return V.cat(
                "ul. ",
                V.take(pool, rng.integers(0, len(pool), k)),
                " ",
                num,
                V.take(["", "", "", "/2", "/14", "/7"], rng.integers(0, 6, k)),
            )
        if code == "fa_IR":
            nm = last_native.take(pa.array(pools["LM"][3][li] + rng.integers(0, pools["LM"][4][li], k)))
            typ = V.take(L.STREET_TYPES[code], V.choice(rng, k, [6, 3, 2, 1]))
            return V.cat(typ, " ", nm, "، پلاک ", num)
        # zh_CN
        d = L.zh_districts()
        nm = last_native.take(pa.array(pools["LM"][3][li] + rng.integers(0, pools["LM"][4][li], k)))
        typ = V.take(L.STREET_TYPES[code], V.choice(rng, k, [6, 3, 1]))
        return V.cat(V.take(d, rng.integers(0, len(d), k)), "区", nm, typ, num, "号")

    def city(li: int, locale: L.Locale, k: int) -> pa.Array:
        pool = L.cities(locale.code)
        w = 1.0 / (np.arange(len(pool)) + 2.0)
        return V.take(pool, V.choice(rng, k, w))

    def postcode(li: int, locale: L.Locale, k: int) -> pa.Array:
        c = locale.country_iso
        if c == "GB":
            from faker.providers.address.en_GB import Provider as Gb

            zones = Gb.POSTAL_ZONES
            letters = list(L.GB_POSTCODE_LETTERS)
            return V.cat(
                V.take(zones, rng.integers(0, len(zones), k)),
                V.num(rng.integers(1, 20, k)),
                " ",
                V.num(rng.integers(1, 10, k)),
                V.take(letters, rng.integers(0, len(letters), k)),
                V.take(letters, rng.integers(0, len(letters), k)),
            )
        if c == "PL":
            return V.cat(V.num(rng.integers(0, 100, k), 2), "-", V.num(rng.integers(0, 1000, k), 3))
        if c == "IR":
            return V.cat(V.num(rng.integers(10000, 99999, k)), "-", V.num(rng.integers(10000, 99999, k)))
        if c in ("CN", "VN"):
            return V.num(rng.integers(100000, 999999, k) if c == "CN" else rng.integers(10000, 99999, k))
        return V.num(rng.integers(1000 if c == "DE" else 1001, 99999, k), 5)

    del n, last_g
    return _by_locale(rng, loc, street), _by_locale(rng, loc, city), _by_locale(rng, loc, postcode)


def _accounts(rng: np.random.Generator, cfg: GenConfig, since_ts: np.ndarray) -> Entities:
    n = cfg.people
    vol = cfg.volumes
    has = rng.random(n) < vol.account_share
    count = has.astype(np.int64) + (has & (rng.random(n) < vol.second_account_share))
    person, k = V.ragged(count)
    m = len(person)
    ids = V.num(scramble(np.arange(m), 10_000_000, 89_999_999, 7_919_113, int(rng.integers(0, 10**6))))
    return Entities(person=person, ids=ids, kind=k, shared=np.zeros(m, dtype=bool))


def _cookies_devices(
    rng: np.random.Generator, cfg: GenConfig, head_of: np.ndarray
) -> tuple[Entities, Entities]:
    n = cfg.people
    vol = cfg.volumes
    # cookies: 1-4 per person; kind = device type (0 desktop, 1 mobile, 2 tablet)
    nc = V.choice(rng, n, [0.4, 0.3, 0.2, 0.1]) + 1
    person, _ = V.ragged(nc)
    kind = V.choice(rng, len(person), [0.45, 0.5, 0.05])
    ids = V.uuids(rng, len(person))
    # app devices: 0-2 for app users; kind = platform (0 ios, 1 android)
    app = rng.random(n) < vol.app_share
    nd = np.where(app, 1 + (rng.random(n) < 0.3), 0)
    dperson, _ = V.ragged(nd)
    dkind = (rng.random(len(dperson)) < 0.55).astype(np.int64)
    dids = V.where(dkind == 0, pc_upper(V.uuids(rng, len(dperson))), V.hex_ids(rng, len(dperson), 16))

    # shared household tablet: one cookie and/or one device id used by every member
    heads = np.nonzero(head_of == np.arange(n))[0]
    heads = heads[rng.random(len(heads)) < 0.4]
    members = np.nonzero(np.isin(head_of, heads))[0]
    tab_cookie = V.uuids(rng, n).take(pa.array(head_of[members]))
    tab_device = V.uuids(rng, n).take(pa.array(head_of[members]))
    share_dev = (rng.random(n) < 0.5)[head_of[members]]

    cookies = _merge(person, ids, kind, members, tab_cookie, np.full(len(members), 2))
    dm = members[share_dev]
    devices = _merge(
        dperson,
        dids,
        dkind,
        dm,
        pc_upper(tab_device.filter(pa.array(share_dev))),
        np.zeros(len(dm), dtype=np.int64),
    )
    return cookies, devices


def pc_upper(a: pa.Array) -> pa.Array:
    return pa.compute.utf8_upper(a)


def _merge(
    p1: np.ndarray, id1: pa.Array, k1: np.ndarray, p2: np.ndarray, id2: pa.Array, k2: np.ndarray
) -> Entities:
    person = np.concatenate([p1, p2])
    order = np.argsort(person, kind="stable")
    ids = pa.concat_arrays([id1, id2]).take(pa.array(order))
    shared = np.concatenate([np.zeros(len(p1), bool), np.ones(len(p2), bool)])[order]
    return Entities(person=person[order], ids=ids, kind=np.concatenate([k1, k2])[order], shared=shared)
