"""CRM contacts, shop accounts and the product catalogue."""

from __future__ import annotations

import dataclasses

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cdp.datagen import noise as N
from cdp.datagen import vec as V
from cdp.datagen.config import GenConfig
from cdp.datagen.sources.base import Catalog, Context, TableChunk, finish


def crm_contacts(ctx: Context) -> TableChunk:
    rng = ctx.rng("crm_contacts")
    pop, cfg, nz = ctx.pop, ctx.cfg, ctx.cfg.noise
    people = ctx.people
    inc = rng.random(len(people)) < cfg.volumes.crm_share
    count = inc.astype(np.int64) + (inc & (rng.random(len(people)) < cfg.volumes.crm_duplicate_share))
    parent, pos = V.ragged(count)
    person = people[parent]
    n = len(person)
    idx = pa.array(person)
    first, last = N.names(pop, person, rng, nz)
    work = pop.work_email.take(idx)
    use_work = (rng.random(n) < 0.15) & ~V.is_null(work)
    email = N.email(V.where(use_work, work, pop.email.take(idx)), rng, nz, nz.email_missing_crm, "crm")
    land = pop.landline_nsn.take(idx)
    use_land = (rng.random(n) < 0.3) & ~V.is_null(land)
    phone = N.phone(pop, person, rng, nz, V.where(use_land, land, pop.phone_nsn.take(idx)))
    dob = V.where(
        rng.random(n) < 0.7,
        N.dob(pop, person, rng, nz, "YYYY-MM-DD"),
        N.dob(pop, person, rng, nz, "DD/MM/YYYY"),
    )
    street, city, postcode = N.address(pop, person, rng, nz)
    tw = pop.twitter.take(idx)
    tw = V.where(rng.random(n) < 0.5, V.cat("@", tw), tw)
    created = np.maximum(pop.since_ts[person], cfg.start_ts - 5 * 365 * 86400) + pos * rng.integers(
        86400, 200 * 86400, n
    )
    created = ctx.clip_ts(created)
    updated = ctx.clip_ts(created + (rng.random(n) * (cfg.end_ts - created)).astype(np.int64))
    off_c = pop.offsets_at(person, created)
    off_u = pop.offsets_at(person, updated)
    cols = {
        "contact_id": V.cat("C", V.num(ctx.seq("crm_contacts", n) + 100000, 8)),
        "first_name": first,
        "last_name": last,
        "email": email,
        "phone": phone,
        "date_of_birth": dob,
        "gender": N.gender(pop, person, rng),
        "street": street,
        "city": city,
        "postcode": postcode,
        "country": N.country(pop.loc[person], rng),
        "job_title": N.junk(V.nullify(pop.job.take(idx), rng.random(n) < 0.35), rng, nz.junk_text),
        "company": N.junk(V.nullify(pop.company.take(idx), rng.random(n) < 0.35), rng, nz.junk_text),
        "twitter_handle": N.case_space(tw, rng, nz.name_case, 0.0),
        "created_at": V.iso_offset(created, off_c),
        "updated_at": V.iso_offset(updated, off_u),
    }
    return finish(ctx, "crm_contacts", cols, person, updated, rng, cfg)


def shop_accounts(ctx: Context) -> TableChunk:
    rng = ctx.rng("shop_accounts")
    pop, cfg, nz = ctx.pop, ctx.cfg, ctx.cfg.noise
    ent = pop.accounts
    sl = ent.range_of(ctx.lo, ctx.hi)
    person = ent.person[sl]
    k = ent.kind[sl]
    n = len(person)
    idx = pa.array(person)
    work = pop.work_email.take(idx)
    base = V.where((k == 1) & ~V.is_null(work), work, pop.email.take(idx))
    anz = dataclasses.replace(nz, email_plus=nz.email_plus * 2)
    email = N.email(base, rng, anz, nz.email_missing_crm / 4, "shop")
    first, last = N.names(pop, person, rng, nz)
    created = pop.since_ts[person] + k * rng.integers(30 * 86400, 300 * 86400, n)
    created = ctx.clip_ts(created)
    last_login = ctx.clip_ts(
        np.maximum(created, cfg.start_ts)
        + (rng.random(n) * 0.9 + 0.1) * (cfg.end_ts - np.maximum(created, cfg.start_ts))
    )
    loyalty = V.nullify(pop.loyalty.take(idx), (k > 0) | (rng.random(n) < 0.2))
    cols = {
        "account_id": ent.ids[sl.start : sl.stop],
        "email": email,
        "first_name": first,
        "last_name": last,
        "phone": N.phone(pop, person, rng, nz),
        "date_of_birth": N.dob(pop, person, rng, nz, "MM/DD/YYYY"),
        "country": N.country(pop.loc[person], rng),
        "loyalty_card_id": loyalty,
        "created_at": V.iso_z(created),
        "last_login_at": V.iso_z(last_login.astype(np.int64)),
    }
    return finish(ctx, "shop_accounts", cols, person, last_login.astype(np.int64), rng, cfg)


CATEGORIES: dict[str, tuple[tuple[str, ...], tuple[int, int]]] = {
    "electronics": (
        ("Headphones", "Charger", "Smartwatch", "Speaker", "Power Bank", "Keyboard", "Mouse"),
        (1500, 30000),
    ),
    "home": (("Mug", "Lamp", "Cushion", "Blanket", "Vase", "Frying Pan", "Towel Set"), (800, 12000)),
    "beauty": (("Face Cream", "Shampoo", "Lip Balm", "Perfume", "Serum", "Hand Soap"), (400, 9000)),
    "apparel": (("T-Shirt", "Hoodie", "Jeans", "Sneakers", "Jacket", "Scarf", "Socks"), (900, 15000)),
    "sports": (("Yoga Mat", "Water Bottle", "Dumbbell", "Running Belt", "Tennis Balls"), (700, 11000)),
    "books": (("Cookbook", "Novel", "Travel Guide", "Notebook", "Planner"), (500, 4000)),
    "toys": (("Puzzle", "Building Blocks", "Plush Bear", "Board Game", "Kite"), (600, 7000)),
    "grocery": (("Green Tea", "Coffee Beans", "Olive Oil", "Dark Chocolate", "Honey"), (300, 3000)),
}
ADJECTIVES = (
    "Classic",
    "Premium",
    "Eco",
    "Smart",
    "Compact",
    "Deluxe",
    "Essential",
    "Ultra",
    "Organic",
    "Pro",
)
BRANDS = ("Northwind", "Acme", "Lumen", "Vero", "Kito", "Halden", "Solace", "Brio", "Mira", "Zenit", "Orla")


def catalog(cfg: GenConfig) -> tuple[Catalog, TableChunk]:
    """The product catalogue (not person-linked) and its raw table."""
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([cfg.seed, 2002])))
    n = cfg.n_products
    cats = list(CATEGORIES)
    cat = rng.integers(0, len(cats), n)
    nouns_pool: list[str] = []
    offs, counts = [], []
    for c in cats:
        offs.append(len(nouns_pool))
        nouns_pool += CATEGORIES[c][0]
        counts.append(len(CATEGORIES[c][0]))
    noun = V.take(nouns_pool, V.pick_within(rng, np.array(offs), np.array(counts), cat))
    brand = V.take(BRANDS, rng.integers(0, len(BRANDS), n))
    adj = V.take(ADJECTIVES, rng.integers(0, len(ADJECTIVES), n))
    lo = np.array([CATEGORIES[c][1][0] for c in cats])[cat]
    hi = np.array([CATEGORIES[c][1][1] for c in cats])[cat]
    price = (np.exp(rng.uniform(np.log(lo), np.log(hi))) // 100 * 100 + 99).astype(np.int64)
    ids = V.cat("PRD", V.num(np.arange(n) + 1, 5))
    created = rng.integers(cfg.start_ts - 3 * 365 * 86400, cfg.end_ts - 86400, n)
    cols = {
        "product_id": ids,
        "sku": V.cat(
            pc.utf8_upper(pc.utf8_slice_codeunits(V.take(cats, cat), 0, 3)),
            "-",
            V.num(rng.integers(0, 10**6, n), 6),
        ),
        "product_name": V.cat(brand, " ", adj, " ", noun),
        "category": V.take(cats, cat),
        "brand": brand,
        "unit_price": V.money(price),
        "currency": V.const("USD", n),
        "created_at": V.fmt_time(created, "YYYY-MM-DD hh:mm:ss"),
    }
    popularity = 1.0 / (rng.permutation(n) + 5.0)
    chunk = finish(None, "shop_products", cols, np.full(n, -1), created, rng, cfg)
    return Catalog(
        ids=ids,
        names=cols["product_name"],
        price_cents=price,
        category=cat,
        popularity=popularity / popularity.sum(),
    ), chunk
