"""Web (clickstream), app and ad-platform events."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from cdp.datagen import vec as V
from cdp.datagen.people import Entities
from cdp.datagen.sources.base import Context, TableChunk, entity_pick, finish, take_or_null

SITE = "https://shop.example.com"
PAGES = (  # (path, title) for page views
    ("/", "Home | Example Shop"),
    ("/c/electronics", "Electronics"),
    ("/c/home", "Home & Living"),
    ("/c/apparel", "Fashion"),
    ("/c/beauty", "Beauty"),
    ("/sale", "Sale - up to 50% off"),
    ("/search", "Search"),
    ("/help", "Help centre"),
    ("/stores", "Find a store"),
)
REFERRERS = (
    "https://www.google.com/",
    "https://www.facebook.com/",
    "https://t.co/",
    "https://www.bing.com/",
    "https://l.instagram.com/",
    "https://mail.google.com/",
    "https://www.tiktok.com/",
)
UTM = (  # source, medium
    ("google", "cpc"),
    ("facebook", "paid_social"),
    ("newsletter", "email"),
    ("tiktok", "paid_social"),
    ("instagram", "social"),
    ("partner", "affiliate"),
)
UTM_CAMPAIGNS = (
    "spring_sale",
    "summer_sale",
    "back_to_school",
    "black_friday",
    "xmas",
    "new_arrivals",
    "loyalty",
)
BROWSERS = (
    ("Chrome", "Firefox", "Safari", "Edge"),
    ("Chrome", "Safari", "Samsung Internet"),
    ("Safari", "Chrome"),
)
OSES = (("Windows", "macOS", "Linux"), ("iOS", "Android"), ("iPadOS", "Android"))
DEVICE_TYPES = ("desktop", "mobile", "tablet")
FEATURES = (
    "search",
    "wishlist",
    "product_detail",
    "scan_barcode",
    "loyalty_card",
    "order_tracking",
    "chat_support",
    "recommendations",
)
APP_VERSIONS = (("5.2.1", "5.3.0", "5.4.2", "6.0.0"), ("5.2.0", "5.3.1", "5.4.0", "6.0.1"))


def _ip(values: np.ndarray) -> pa.Array:
    v = np.asarray(values, dtype=np.int64)
    return V.cat(
        V.num(v >> 24 & 255), ".", V.num(v >> 16 & 255), ".", V.num(v >> 8 & 255), ".", V.num(v & 255)
    )


def _pool_pick(options: tuple[tuple[str, ...], ...], kind: np.ndarray, salt: np.ndarray) -> pa.Array:
    """Deterministic member of ``options[kind]`` chosen by ``salt`` (stable per cookie/device)."""
    flat: list[str] = []
    offs, counts = [], []
    for opts in options:
        offs.append(len(flat))
        flat += opts
        counts.append(len(opts))
    offs_a, counts_a = np.array(offs), np.array(counts)
    return V.take(flat, offs_a[kind] + (salt * 2654435761 >> 7) % counts_a[kind])


def _sessions(rng: np.random.Generator, person: np.ndarray, ent: Entities, per_person: np.ndarray):
    """Sessions for ``person`` each on one of their entities (cookie/device)."""
    parent, _ = V.ragged(per_person)
    sp = person[parent]
    ent_idx, _ = entity_pick(rng, ent.person, sp)
    return sp, ent_idx


def web_events(ctx: Context) -> TableChunk:
    rng = ctx.rng("web_events")
    pop, cfg = ctx.pop, ctx.cfg
    vol = cfg.volumes
    people = ctx.people
    active = rng.random(len(people)) < vol.web_share
    n_sess = np.where(active, rng.poisson(vol.web_sessions_per_user * 0.9, len(people)), 0)
    s_person, s_cookie = _sessions(rng, people, pop.cookies, n_sess)
    s_has = s_cookie >= 0
    s_person, s_cookie = s_person[s_has], s_cookie[s_has]
    # anonymous non-customers: fresh cookies, no person
    n_anon = round(len(people) * vol.anonymous_cookies_per_person)
    ns = len(s_person)
    s_len = np.concatenate(
        [
            rng.geometric(1 / vol.web_events_per_session, ns),
            rng.geometric(1 / vol.anonymous_events_per_cookie, n_anon),
        ]
    )
    s_len = np.minimum(s_len, 40)
    s_person = np.concatenate([s_person, np.full(n_anon, -1)])
    cookie_ids = pa.concat_arrays([take_or_null(pop.cookies.ids, s_cookie), V.uuids(rng, n_anon)])
    kind = np.concatenate([pop.cookies.kind[s_cookie], V.choice(rng, n_anon, [0.4, 0.55, 0.05])])
    salt = np.concatenate([s_cookie, ns + np.arange(n_anon) + ctx.chunk * 10**8])
    s_acc, _ = entity_pick(rng, pop.accounts.person, np.maximum(s_person, 0))
    s_acc = np.where(s_person >= 0, s_acc, -1)
    s_login = np.where(
        (s_acc >= 0) & (rng.random(len(s_len)) < 0.55),
        np.minimum(rng.integers(0, 2, len(s_len)), s_len - 1),
        10**6,
    )
    s_start = ctx.uniform_ts(rng, len(s_len), 0.1)
    home_ip = np.where(
        s_person >= 0,
        pop.home_ip[np.maximum(s_person, 0)],
        rng.integers(16_777_216 * 20, 16_777_216 * 220, len(s_len)),
    )
    s_ip = np.where(
        (kind != 1) & (rng.random(len(s_len)) < 0.8),
        home_ip,
        rng.integers(16_777_216 * 20, 16_777_216 * 220, len(s_len)),
    )
    s_utm = np.where(rng.random(len(s_len)) < 0.3, rng.integers(0, len(UTM), len(s_len)), -1)
    s_ref = np.where(
        s_utm >= 0,
        -1,
        np.where(rng.random(len(s_len)) < 0.5, rng.integers(0, len(REFERRERS), len(s_len)), -1),
    )
    s_hint = V.hex_ids(rng, len(s_len), 12)

    sess, pos = V.ragged(s_len)
    n = len(sess)
    gaps = rng.exponential(60, n).astype(np.int64) + 2
    cs = np.cumsum(gaps)
    starts = np.cumsum(s_len) - s_len
    ts = s_start[sess] + cs - np.repeat(cs[starts] - gaps[starts], s_len) if n else np.zeros(0, np.int64)
    ts = ctx.clip_ts(ts)
    logged = pos >= s_login[sess]
    u = rng.random(n)
    etype = np.where(u < 0.8, 0, np.where(u < 0.9, 2, np.where(u < 0.95, 3, 4)))
    etype = np.where(pos == s_login[sess], 1, etype)
    page = rng.integers(0, len(PAGES), n)
    prod = V.choice(rng, n, ctx.catalog.popularity)
    is_prod = (etype == 0) & (rng.random(n) < 0.4)
    path = V.take([p for p, _ in PAGES], page)
    path = V.where(is_prod, V.cat("/p/", ctx.catalog.ids.take(pa.array(prod))), path)
    title = V.take([t for _, t in PAGES], page)
    title = V.where(is_prod, ctx.catalog.names.take(pa.array(prod)), title)
    special = {
        1: ("/account/login", "Sign in"),
        2: ("/cart", "Your cart"),
        3: ("/checkout", "Checkout"),
        4: ("/checkout/confirmation", "Thank you for your order"),
    }
    for k, (pth, ttl) in special.items():
        path = V.where(etype == k, pth, path)
        title = V.where(etype == k, ttl, title)
    first = pos == 0
    utm = s_utm[sess]
    has_utm = first & (utm >= 0)
    ref_i = s_ref[sess]
    referrer = V.where(
        first, take_or_null(V.sarr(REFERRERS), np.where(ref_i >= 0, ref_i, -1)), V.cat(SITE, "/")
    )
    camp = V.take(UTM_CAMPAIGNS, rng.integers(0, len(UTM_CAMPAIGNS), n))
    cols = {
        "event_id": V.hex_ids(rng, n, 20),
        "event_type": V.take(["page_view", "login", "add_to_cart", "checkout", "purchase"], etype),
        "anonymous_id": cookie_ids.take(pa.array(sess)),
        "user_id": V.nullify(take_or_null(pop.accounts.ids, s_acc[sess]), ~logged),
        "session_hint": V.nullify(s_hint.take(pa.array(sess)), rng.random(n) < 0.1),
        "page_url": V.cat(SITE, path),
        "page_title": title,
        "referrer": referrer,
        "utm_source": V.nullify(take_or_null(V.sarr([s for s, _ in UTM]), utm), ~has_utm),
        "utm_medium": V.nullify(take_or_null(V.sarr([m for _, m in UTM]), utm), ~has_utm),
        "utm_campaign": V.nullify(camp, ~has_utm),
        "device_type": V.take(DEVICE_TYPES, kind[sess]),
        "browser": _pool_pick(BROWSERS, kind, salt).take(pa.array(sess)),
        "os": _pool_pick(OSES, kind, salt + 7).take(pa.array(sess)),
        "ip_address": _ip(s_ip[sess]),
        "occurred_at": V.num(ts * 1000 + rng.integers(0, 1000, n)),
    }
    return finish(ctx, "web_events", cols, s_person[sess], ts, rng, cfg)


def app_events(ctx: Context) -> TableChunk:
    rng = ctx.rng("app_events")
    pop, cfg = ctx.pop, ctx.cfg
    ent = pop.devices
    sl = ent.range_of(ctx.lo, ctx.hi)
    d_person = ent.person[sl]
    d_idx = np.arange(sl.start, sl.stop)
    n_sess = np.maximum(rng.poisson(cfg.volumes.app_sessions_per_user * 0.85, len(d_person)), 1)
    n_sess = np.where(ent.shared[sl], np.maximum(n_sess // 3, 1), n_sess)
    sparent, _ = V.ragged(n_sess)
    sp = d_person[sparent]
    sd = d_idx[sparent]
    nsess = len(sp)
    s_acc, _ = entity_pick(rng, pop.accounts.person, sp)
    login = (s_acc >= 0) & (rng.random(nsess) < 0.3)
    persisted = (s_acc >= 0) & ~login & (rng.random(nsess) < 0.6)
    n_feat = rng.geometric(0.5, nsess)
    buy = (s_acc >= 0) & (rng.random(nsess) < 0.1)
    close = rng.random(nsess) < 0.8
    s_len = 1 + login + n_feat + buy + close
    sess, pos = V.ragged(s_len)
    n = len(sess)
    # event name by position: open, [login], feature_used*, [purchase], [close]
    p_rel = pos - 1 - login[sess]
    name = np.where(pos == 0, 0, np.where(login[sess] & (pos == 1), 1, 2))
    name = np.where(
        (name == 2) & (p_rel >= n_feat[sess]), np.where(buy[sess] & (p_rel == n_feat[sess]), 3, 4), name
    )
    start = ctx.uniform_ts(rng, nsess, 0.1)
    gaps = rng.exponential(40, n).astype(np.int64) + 1
    cs = np.cumsum(gaps)
    starts = np.cumsum(s_len) - s_len
    ts = (
        ctx.clip_ts(start[sess] + cs - np.repeat(cs[starts] - gaps[starts], s_len))
        if n
        else np.zeros(0, np.int64)
    )
    user = V.nullify(
        take_or_null(pop.accounts.ids, s_acc[sess]), ~(persisted[sess] | (login[sess] & (pos >= 1)))
    )
    platform = ent.kind[sd][sess]
    ver = _pool_pick(APP_VERSIONS, platform, sd[sess] + (ts - cfg.start_ts) // (90 * 86400))
    person = sp[sess]
    cols = {
        "event_id": V.hex_ids(rng, n, 20),
        "device_id": ent.ids.take(pa.array(sd[sess])),
        "user_id": user,
        "app_session_id": V.hex_ids(rng, nsess, 16).take(pa.array(sess)),
        "event_name": V.take(["app_open", "login", "feature_used", "purchase", "app_close"], name),
        "feature": V.nullify(V.take(FEATURES, rng.integers(0, len(FEATURES), n)), name != 2),
        "platform": V.take(["ios", "android"], platform),
        "app_version": ver,
        "occurred_at": V.iso_offset(ts, pop.offsets_at(person, ts)),
    }
    return finish(ctx, "app_events", cols, person, ts, rng, cfg)


AD_PLATFORMS = ("google_ads", "meta", "tiktok")
AD_CAMPAIGNS = (
    "Brand Search",
    "Generic Search",
    "Retargeting",
    "Prospecting",
    "Spring Sale",
    "Black Friday",
    "Xmas Gifts",
    "App Install",
)


def ads_ad_events(ctx: Context) -> TableChunk:
    rng = ctx.rng("ads_ad_events")
    pop, cfg = ctx.pop, ctx.cfg
    vol = cfg.volumes
    people = ctx.people
    n_imp = round(len(people) * vol.ad_impressions_per_person)
    n_clicks = rng.poisson(vol.ad_clicks_per_person * 0.85, len(people))
    cparent, _ = V.ragged(n_clicks)
    cp = people[cparent]
    ck, _ = entity_pick(rng, pop.cookies.person, cp)
    ok = ck >= 0
    cp, ck = cp[ok], ck[ok]
    n_anon_clicks = round(len(people) * 0.08)
    nc = len(cp) + n_anon_clicks
    c_person = np.concatenate([cp, np.full(n_anon_clicks, -1)])
    c_anon = pa.concat_arrays([pop.cookies.ids.take(pa.array(ck)), V.uuids(rng, n_anon_clicks)])
    conv = np.nonzero(rng.random(nc) < 0.12)[0]
    n = n_imp + nc + len(conv)
    etype = np.concatenate([np.zeros(n_imp, np.int64), np.ones(nc, np.int64), np.full(len(conv), 2)])
    click_ts = ctx.uniform_ts(rng, nc, 0.5)
    ts = np.concatenate(
        [
            ctx.uniform_ts(rng, n_imp),
            click_ts,
            ctx.clip_ts(click_ts[conv] + rng.integers(60, 3 * 86400, len(conv))),
        ]
    )
    plat = rng.integers(0, 3, n)
    c_plat = plat[n_imp : n_imp + nc]
    plat[n_imp + nc :] = c_plat[conv]
    camp = rng.integers(0, len(AD_CAMPAIGNS), n)
    camp[n_imp + nc :] = camp[n_imp : n_imp + nc][conv]
    camp_g = plat * len(AD_CAMPAIGNS) + camp
    click_ids = V.where(c_plat == 0, V.alnum_ids(rng, nc, 22, "Cj0K"), V.alnum_ids(rng, nc, 20, "IwAR"))
    person = np.concatenate([np.full(n_imp, -1), c_person, c_person[conv]])
    anon = pa.concat_arrays([V.nulls(n_imp), c_anon, c_anon.take(pa.array(conv))])
    cost = np.concatenate(
        [rng.integers(0, 3, n_imp), rng.integers(15, 250, nc), np.zeros(len(conv), np.int64)]
    )
    value = np.where(etype == 2, rng.integers(1000, 25000, n), 0)
    cols = {
        "ad_event_id": V.hex_ids(rng, n, 20, "ae_"),
        "platform": V.take(AD_PLATFORMS, plat),
        "campaign_id": V.cat("cmp_", V.num(1000 + camp_g)),
        "campaign_name": V.take(AD_CAMPAIGNS, camp),
        "ad_id": V.cat("ad_", V.num(10000 + camp_g * 10 + rng.integers(0, 4, n))),
        "event_type": V.take(["impression", "click", "conversion"], etype),
        "anonymous_id": anon,
        "click_id": pa.concat_arrays([V.nulls(n_imp), click_ids, click_ids.take(pa.array(conv))]),
        "cost_amount": V.nullify(V.money(cost), etype == 2),
        "currency": V.const("USD", n),
        "conversion_value": V.nullify(V.money(value), etype != 2),
        "occurred_at": V.iso_z(ts),
    }
    return finish(ctx, "ads_ad_events", cols, person, ts, rng, cfg)
