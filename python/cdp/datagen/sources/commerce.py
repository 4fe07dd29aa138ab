"""Orders (online, marketplace, POS), order lines, carts and reviews: generated together so they agree."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from cdp.datagen import locales as L
from cdp.datagen import noise as N
from cdp.datagen import text as T
from cdp.datagen import vec as V
from cdp.datagen.people import scramble
from cdp.datagen.sources.base import Context, TableChunk, entity_pick, finish, take_or_null

DAY = 86400
CURRENCIES = [x.currency for x in L.LOCALES]
FX = np.array([x.fx_per_usd for x in L.LOCALES])
RELAY_DOMAINS = (
    "marketplace.amazon.com",
    "marketplace.amazon.co.uk",
    "shopee-relay.vn",
    "allegromail.pl",
    "relay.digikala.com",
    "relay.tmall.com",
    "marketplace.amazon.de",
)
TOPIC_FOR_REVIEW = np.array(
    [T.TOPICS.index(t) for t in ("delivery_late", "damaged_item", "quality", "price", "refund")]
)


def _local_cents(usd_cents: np.ndarray, loc: np.ndarray) -> np.ndarray:
    out = np.round(usd_cents * FX[loc]).astype(np.int64)
    big = FX[loc] > 1000  # VND / IRR: whole units
    return np.where(big, out // 100 * 100, out)


def commerce(ctx: Context) -> list[TableChunk]:
    rng = ctx.rng("commerce")
    pop, cfg, nz = ctx.pop, ctx.cfg, ctx.cfg.noise
    vol = cfg.volumes
    people = ctx.people
    acc_idx, acc_cnt = entity_pick(rng, pop.accounts.person, people)
    has_acc = acc_cnt > 0
    buy = rng.random(len(people)) < np.where(has_acc, 0.7, 0.2) * vol.buyer_share / 0.5
    n_orders = np.where(buy, 1 + rng.poisson(vol.orders_per_buyer - 1, len(people)), 0)
    parent, _ = V.ragged(n_orders)
    person = people[parent]
    o_acc = acc_idx[parent]
    no = len(person)
    loc = pop.loc[person]
    u = rng.random(no)
    with_acc = o_acc >= 0
    channel = np.where(
        with_acc,
        np.where(u < 0.77, 0, np.where(u < 0.87, 1, 2)),
        np.where(u < 0.4, 1, 2),
    )
    ordered = ctx.uniform_ts(rng, no, margin_days=0.05)
    off = pop.offsets_at(person, ordered)
    status = V.choice(rng, no, [0.88, 0.07, 0.05])
    order_ids = V.cat("O", V.num(ctx.seq("shop_orders", no) + 10_000_000, 9))

    # lines
    n_lines = 1 + rng.poisson(vol.lines_per_order - 1, no)
    lparent, _ = V.ragged(n_lines)
    nl = len(lparent)
    prod = V.choice(rng, nl, ctx.catalog.popularity)
    qty = np.where(rng.random(nl) < 0.8, 1, rng.integers(2, 4, nl))
    unit = _local_cents(ctx.catalog.price_cents[prod], loc[lparent])
    disc = np.where(rng.random(nl) < 0.15, (unit * qty * rng.uniform(0.1, 0.3, nl)).astype(np.int64), 0)
    subtotal = np.bincount(lparent, weights=unit * qty, minlength=no).astype(np.int64)
    discount = np.bincount(lparent, weights=disc, minlength=no).astype(np.int64)
    ship_usd = np.where(channel == 0, np.where(subtotal > _local_cents(np.full(no, 5000), loc), 0, 499), 0)
    ship_usd = np.where(channel == 1, np.where(rng.random(no) < 0.5, 0, 299), ship_usd)
    shipping = _local_cents(ship_usd, loc)
    total = subtotal - discount + shipping

    # identifiers per channel
    idx = pa.array(person)
    acc_ids = take_or_null(pop.accounts.ids, o_acc)
    account_id = V.nullify(acc_ids, channel != 0)
    email = N.email(pop.email.take(idx), rng, nz, nz.email_missing_crm, "shop")
    relay_local = V.cat("b", V.num(scramble(person, 10**9, 8_999_999_929, 48_271, cfg.seed % 1000 + 7)))
    relay = V.cat(relay_local, "@", V.take(RELAY_DOMAINS, loc))
    pos_email = N.email(pop.email.take(idx), rng, nz, nz.email_missing_pos, "receipt")
    customer_email = V.where(channel == 0, V.nullify(email, rng.random(no) < 0.4), relay)
    customer_email = V.where(channel == 2, V.nullify(pos_email, rng.random(no) < 0.75), customer_email)
    phone = N.phone(pop, person, rng, nz)
    loyalty = pop.loyalty.take(idx)
    pu = rng.random(no)
    pos_loyal = (channel == 2) & ~V.is_null(loyalty) & (pu < 0.9)
    pos_phone = (channel == 2) & ~pos_loyal & (pu < 0.55)
    customer_phone = V.where(
        channel == 2, V.nullify(phone, ~pos_phone), V.nullify(phone, rng.random(no) < 0.5)
    )
    name = N.full_name(pop, person, rng, nz)
    customer_name = V.nullify(name, (channel == 2) & (rng.random(no) < 0.8))
    home_store = scramble(person, 0, 9_999_991, 7_001, 3) % 12 + 1
    store = np.where(rng.random(no) < 0.8, home_store, rng.integers(1, 13, no))
    store_id = V.nullify(
        V.cat(V.take([x.country_iso for x in L.LOCALES], loc), "-", V.num(store, 3)), channel != 2
    )
    street, city, postcode = N.address(pop, person, rng, nz)
    ship_missing = channel == 2
    cols = {
        "order_id": order_ids,
        "channel": V.take(["online", "marketplace", "pos"], channel),
        "account_id": account_id,
        "customer_email": customer_email,
        "customer_phone": customer_phone,
        "loyalty_card_id": V.nullify(loyalty, ~pos_loyal),
        "customer_name": customer_name,
        "store_id": store_id,
        "status": V.take(["completed", "cancelled", "refunded"], status),
        "currency": V.take(CURRENCIES, loc),
        "subtotal_amount": V.money(subtotal),
        "discount_amount": V.money(discount),
        "shipping_amount": V.money(shipping),
        "total_amount": V.money(total),
        "shipping_street": V.nullify(street, ship_missing),
        "shipping_city": V.nullify(city, ship_missing),
        "shipping_postcode": V.nullify(postcode, ship_missing),
        "shipping_country": V.nullify(N.country(loc, rng), ship_missing),
        "ordered_at": V.iso_offset(ordered, off),
    }
    orders = finish(ctx, "shop_orders", cols, person, ordered, rng, cfg)

    lcols = {
        "order_line_id": V.cat("OL", V.num(ctx.seq("shop_order_lines", nl) + 10_000_000, 10)),
        "order_id": order_ids.take(pa.array(lparent)),
        "product_id": ctx.catalog.ids.take(pa.array(prod)),
        "quantity": V.num(qty),
        "unit_price": V.money(unit),
        "discount_amount": V.money(disc),
    }
    lines = finish(ctx, "shop_order_lines", lcols, person[lparent], ordered[lparent], rng, cfg)

    carts = _carts(ctx, rng, person, channel, o_acc, ordered, order_ids, n_lines, subtotal, acc_idx, acc_cnt)
    reviews = _reviews(ctx, rng, person, channel, o_acc, ordered, lparent, prod, status)
    return [orders, lines, carts, reviews]


def _carts(
    ctx, rng, person, channel, o_acc, ordered, order_ids, n_lines, subtotal, acc_idx, acc_cnt
) -> TableChunk:
    pop, cfg = ctx.pop, ctx.cfg
    vol = cfg.volumes
    conv = np.nonzero((channel == 0) & (rng.random(len(person)) < vol.converted_cart_share))[0]
    people = ctx.people
    n_open = rng.poisson(vol.open_carts_per_person, len(people))
    oparent, _ = V.ragged(n_open)
    o_person = people[oparent]
    p = np.concatenate([person[conv], o_person])
    n = len(p)
    nc = len(conv)
    converted = np.arange(n) < nc
    acc = np.concatenate([o_acc[conv], np.where(rng.random(len(o_person)) < 0.5, acc_idx[oparent], -1)])
    ck, ck_cnt = entity_pick(rng, pop.cookies.person, p)
    anon = V.nullify(take_or_null(pop.cookies.ids, ck), (rng.random(n) < 0.15) & (acc >= 0))
    status = np.where(converted, 2, np.where(rng.random(n) < 0.6, 1, 0))
    loc = pop.loc[p]
    items = np.concatenate([n_lines[conv], 1 + rng.poisson(1.0, len(o_person))])
    value = np.concatenate([subtotal[conv], _local_cents(rng.integers(500, 20000, len(o_person)), loc[nc:])])
    created = np.concatenate(
        [ordered[conv] - rng.integers(120, 3 * 3600, nc), ctx.uniform_ts(rng, len(o_person), 0.1)]
    )
    created = np.maximum(created, cfg.start_ts)
    updated = np.concatenate(
        [ordered[conv], ctx.clip_ts(created[nc:] + rng.integers(60, 2 * 86400, len(o_person)))]
    )
    cols = {
        "cart_id": V.hex_ids(rng, n, 16, "cart_"),
        "account_id": take_or_null(pop.accounts.ids, acc),
        "anonymous_id": anon,
        "status": V.take(["open", "abandoned", "converted"], status),
        "order_id": V.nullify(
            order_ids.take(pa.array(np.concatenate([conv, np.zeros(n - nc, np.int64)]))), ~converted
        ),
        "item_count": V.num(items),
        "cart_value": V.money(value),
        "currency": V.take(CURRENCIES, loc),
        "created_at": V.iso_z(created),
        "updated_at": V.iso_z(updated),
    }
    del ck_cnt, acc_cnt
    return finish(ctx, "shop_carts", cols, p, updated, rng, cfg)


def _reviews(ctx, rng, person, channel, o_acc, ordered, lparent, prod, status) -> TableChunk:
    pop, cfg, nz = ctx.pop, ctx.cfg, ctx.cfg.noise
    first_line = np.searchsorted(lparent, np.arange(len(person)))
    pick = np.nonzero(
        (channel != 2) & (status == 0) & (rng.random(len(person)) < cfg.volumes.review_per_order * 1.2)
    )[0]
    p = person[pick]
    n = len(p)
    rating = 5 - V.choice(rng, n, [0.45, 0.25, 0.12, 0.08, 0.10])
    sentiment = np.where(rating >= 4, 2, np.where(rating == 3, 1, 0))
    topic = TOPIC_FOR_REVIEW[rng.integers(0, len(TOPIC_FOR_REVIEW), n)]
    lang = np.where(rng.random(n) < 0.9, pop.lang[p], 0)
    bcp = V.where(
        lang == 0,
        V.where(pop.lang[p] == 0, V.take([x.bcp47 for x in L.LOCALES], pop.loc[p]), "en-US"),
        V.take([x.bcp47 for x in L.LOCALES], pop.loc[p]),
    )
    created = ctx.clip_ts(ordered[pick] + rng.integers(2 * DAY, 25 * DAY, n))
    name = N.full_name(pop, p, rng, nz)
    first = N.names(pop, p, rng, nz)[0]
    reviewer = V.where(rng.random(n) < 0.3, V.cat(first, " ", V.num(rng.integers(1, 99, n))), name)
    cols = {
        "review_id": V.cat("R", V.num(ctx.seq("shop_reviews", n) + 1_000_000, 8)),
        "product_id": ctx.catalog.ids.take(pa.array(prod[first_line[pick]])),
        "account_id": take_or_null(pop.accounts.ids, o_acc[pick]),
        "reviewer_name": reviewer,
        "reviewer_email": V.nullify(
            N.email(pop.email.take(pa.array(p)), rng, nz, 0.0, "reviews"), rng.random(n) < 0.6
        ),
        "rating": V.num(rating),
        "title": T.title(rng, sentiment, lang),
        "body": T.sentiment_text(rng, sentiment, topic, lang),
        "locale": bcp,
        "created_at": V.iso_z(created),
    }
    return finish(ctx, "shop_reviews", cols, p, created, rng, cfg)
