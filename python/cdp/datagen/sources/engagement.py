"""E-mail (ESP) events, social engagements, support tickets and survey responses."""

from __future__ import annotations

import dataclasses

import numpy as np
import pyarrow as pa

from cdp.datagen import locales as L
from cdp.datagen import noise as N
from cdp.datagen import text as T
from cdp.datagen import vec as V
from cdp.datagen.config import GenConfig
from cdp.datagen.sources.base import Campaigns, Context, TableChunk, entity_pick, finish, take_or_null

DAY = 86400
BCP47 = [x.bcp47 for x in L.LOCALES]
LANG_BCP47 = ("en-US", "vi-VN", "pl-PL", "fa-IR", "zh-CN", "de-DE")
EMAIL_THEMES = (
    "Weekly Newsletter",
    "New Arrivals",
    "Flash Sale",
    "Loyalty Rewards",
    "Abandoned Cart Reminder",
    "Product Tips",
    "Seasonal Picks",
    "Members Only",
)
LINKS = (
    "https://shop.example.com/sale",
    "https://shop.example.com/new",
    "https://shop.example.com/account",
    "https://shop.example.com/c/electronics",
    "https://shop.example.com/loyalty",
)


def campaigns(cfg: GenConfig) -> Campaigns:
    """Two e-mail campaigns a week over the window."""
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([cfg.seed, 3003])))
    n = max(2, cfg.days * 2 // 7)
    ts = np.sort(rng.integers(cfg.start_ts, cfg.end_ts - DAY, n))
    theme = V.take(EMAIL_THEMES, rng.integers(0, len(EMAIL_THEMES), n))
    names = V.cat(V.fmt_time(ts, "YYYY-MM-DD"), " ", theme)
    return Campaigns(ids=V.cat("em_", V.num(np.arange(n) + 1, 4)), names=names, ts=ts)


def esp_email_events(ctx: Context) -> TableChunk:
    rng = ctx.rng("esp_email_events")
    pop, cfg, nz = ctx.pop, ctx.cfg, ctx.cfg.noise
    camps = ctx.campaigns
    people = ctx.people
    subs = rng.random(len(people)) < cfg.volumes.email_share
    n_sends = np.where(subs, rng.poisson(cfg.volumes.email_sends_per_recipient * 0.93, len(people)), 0)
    sparent, _ = V.ragged(n_sends)
    sp = people[sparent]
    ns = len(sp)
    camp = rng.integers(0, len(camps.ts), ns)
    work = pop.work_email.take(pa.array(sp))
    addr = V.where((rng.random(ns) < 0.1) & ~V.is_null(work), work, pop.email.take(pa.array(sp)))
    light = dataclasses.replace(
        nz,
        email_case_space=nz.email_case_space / 3,
        email_plus=nz.email_plus / 2,
        email_malformed=0.0,
        email_junk=0.0,
        email_domain_typo=nz.email_domain_typo / 2,
    )
    addr = N.email(addr, rng, light, 0.0, "news")
    send_ts = camps.ts[camp] + rng.integers(0, 6 * 3600, ns)
    bounce = rng.random(ns) < 0.02
    opened = ~bounce & (rng.random(ns) < 0.35)
    reopen = opened & (rng.random(ns) < 0.2)
    click = opened & (rng.random(ns) < 0.3)
    unsub = opened & (rng.random(ns) < 0.02)
    fwd = opened & (rng.random(ns) < 0.01)
    parts = [(np.arange(ns), 0, np.zeros(ns, np.int64))]
    for k, (m, lo, hi) in enumerate(
        [
            (bounce, 10, 600),
            (opened, 300, 2 * DAY),
            (reopen, DAY, 5 * DAY),
            (click, 2 * DAY, 3 * DAY),
            (unsub, 2 * DAY, 4 * DAY),
            (fwd, 2 * DAY, 3 * DAY),
        ],
        start=1,
    ):
        i = np.nonzero(m)[0]
        parts.append((i, k, rng.integers(lo, hi, len(i))))
    send_i = np.concatenate([p[0] for p in parts])
    code = np.concatenate([np.full(len(p[0]), p[1]) for p in parts])
    ts = ctx.clip_ts(send_ts[send_i] + np.concatenate([p[2] for p in parts]))
    order = np.lexsort((ts, send_i))
    send_i, code, ts = send_i[order], code[order], ts[order]
    n = len(send_i)
    etype = np.array([0, 3, 1, 1, 2, 4, 5])[code]
    cols = {
        "email_event_id": V.num(ctx.seq("esp_email_events", n) + 500_000_000),
        "recipient_email": addr.take(pa.array(send_i)),
        "campaign_id": camps.ids.take(pa.array(camp[send_i])),
        "campaign_name": camps.names.take(pa.array(camp[send_i])),
        "event_type": V.take(["send", "open", "click", "bounce", "unsubscribe", "forward"], etype),
        "link_url": V.nullify(V.take(LINKS, rng.integers(0, len(LINKS), n)), etype != 2),
        "bounce_type": V.nullify(V.where(rng.random(n) < 0.3, "hard", "soft"), etype != 3),
        "occurred_at": V.num(ts),
    }
    return finish(ctx, "esp_email_events", cols, sp[send_i], ts, rng, cfg)


def social_engagements(ctx: Context) -> TableChunk:
    rng = ctx.rng("social_engagements")
    pop, cfg, nz = ctx.pop, ctx.cfg, ctx.cfg.noise
    people = ctx.people
    idx = pa.array(people)
    tw, ig = pop.twitter.take(idx), pop.instagram.take(idx)
    has = ~V.is_null(tw) | ~V.is_null(ig)
    cnt = np.where(has, 1 + rng.poisson(cfg.volumes.engagements_per_social - 1, len(people)), 0)
    parent, _ = V.ragged(cnt)
    p = people[parent]
    n = len(p)
    tw_p, ig_p = tw.take(pa.array(parent)), ig.take(pa.array(parent))
    has_tw, has_ig = ~V.is_null(tw_p), ~V.is_null(ig_p)
    u = rng.random(n)
    plat = np.where(has_tw & (~has_ig | (u < 0.5)), 0, 1)
    other = rng.random(n) < 0.2
    plat = np.where(other, np.where(rng.random(n) < 0.5, 2, 3), plat)
    handle = V.where(plat == 0, tw_p, V.where(has_ig, ig_p, tw_p))
    handle = V.where((plat == 0) & (rng.random(n) < 0.6), V.cat("@", handle), handle)
    handle = N.case_space(handle, rng, nz.name_case * 2, 0.0)
    etype = V.choice(rng, n, [0.35, 0.10, 0.15, 0.40])
    sentiment = V.choice(rng, n, [0.25, 0.25, 0.5])
    topic = rng.integers(0, len(T.TOPICS), n)
    lang = np.where(rng.random(n) < 0.8, pop.lang[p], 0)
    ts = ctx.uniform_ts(rng, n)
    post = V.cat(V.take(["tw_", "ig_", "fb_", "tt_"], plat), V.num(rng.integers(0, 400, n) + 10**6))
    cols = {
        "engagement_id": V.cat("SE", V.num(ctx.seq("social_engagements", n) + 1, 10)),
        "platform": V.take(["twitter", "instagram", "facebook", "tiktok"], plat),
        "handle": handle,
        "post_id": post,
        "engagement_type": V.take(["like", "share", "comment", "view"], etype),
        "comment_text": V.nullify(T.sentiment_text(rng, sentiment, topic, lang), etype != 2),
        "occurred_at": V.iso_offset(ts, pop.offsets_at(p, ts)),
    }
    return finish(ctx, "social_engagements", cols, p, ts, rng, cfg)


INQUIRY_TOPICS = ("order_status", "change_address", "availability")


def support_tickets(ctx: Context) -> TableChunk:
    rng = ctx.rng("support_tickets")
    pop, cfg, nz = ctx.pop, ctx.cfg, ctx.cfg.noise
    people = ctx.people
    sup = rng.random(len(people)) < cfg.volumes.support_share * 0.92
    cnt = np.where(sup, 1 + (rng.random(len(people)) < 0.1), 0)
    parent, _ = V.ragged(cnt)
    p = people[parent]
    n = len(p)
    idx = pa.array(p)
    channel = V.choice(rng, n, [0.5, 0.25, 0.25])
    complaint = rng.random(n) < 0.6
    topic = rng.integers(0, len(T.TOPICS), n)
    inq = rng.integers(0, len(INQUIRY_TOPICS), n)
    lang = np.where(rng.random(n) < 0.85, pop.lang[p], 0)
    email = N.email(pop.email.take(idx), rng, nz, 0.05, "support")
    phone = N.phone(pop, p, rng, nz)
    subj_inq, desc_inq = _aligned(rng, ("inquiry_subject", "inquiry"), lang, inq)
    opened = ctx.uniform_ts(rng, n, 0.2)
    status = np.where(
        opened > ctx.cfg.end_ts - 3 * DAY,
        V.choice(rng, n, [0.6, 0.4, 0, 0]),
        V.choice(rng, n, [0.05, 0.05, 0.45, 0.45]),
    )
    resolved = ctx.clip_ts(opened + rng.integers(1800, 10 * DAY, n))
    prio = np.where(complaint, V.choice(rng, n, [0.1, 0.5, 0.3, 0.1]), V.choice(rng, n, [0.5, 0.5, 0, 0]))
    off_o, off_r = pop.offsets_at(p, opened), pop.offsets_at(p, resolved)
    cols = {
        "ticket_id": V.cat("T-", V.num(ctx.seq("support_tickets", n) + 100_000, 7)),
        "requester_email": V.nullify(email, (channel == 1) & (rng.random(n) < 0.7)),
        "requester_phone": V.nullify(phone, (channel != 1) & (rng.random(n) < 0.8)),
        "requester_name": V.nullify(N.full_name(pop, p, rng, nz), (channel == 2) & (rng.random(n) < 0.3)),
        "channel": V.take(["email", "phone", "chat"], channel),
        "ticket_type": V.where(complaint, "complaint", "inquiry"),
        "topic": V.where(complaint, V.take(T.TOPICS, topic), V.take(INQUIRY_TOPICS, inq)),
        "subject": V.where(complaint, T.by_topic(rng, "subj_", topic, lang), subj_inq),
        "description": V.where(
            complaint, T.sentiment_text(rng, np.zeros(n, np.int64), topic, lang), desc_inq
        ),
        "priority": V.take(["low", "normal", "high", "urgent"], prio),
        "status": V.take(["open", "pending", "resolved", "closed"], status),
        "opened_at": V.iso_offset(opened, off_o),
        "resolved_at": V.nullify(V.iso_offset(resolved, off_r), status < 2),
    }
    return finish(ctx, "support_tickets", cols, p, opened, rng, cfg)


def _aligned(
    rng: np.random.Generator, kinds: tuple[str, str], lang: np.ndarray, which: np.ndarray
) -> tuple[pa.Array, pa.Array]:
    """Two template kinds picked at the same index (subject + matching description)."""
    a_pool, offs, _ = T._flat(kinds[0])
    b_pool, offs_b, _ = T._flat(kinds[1])
    return a_pool.take(pa.array(offs[lang] + which)), b_pool.take(pa.array(offs_b[lang] + which))


def surveys_responses(ctx: Context) -> TableChunk:
    rng = ctx.rng("surveys_responses")
    pop, cfg, nz = ctx.pop, ctx.cfg, ctx.cfg.noise
    people = ctx.people
    resp = rng.random(len(people)) < cfg.volumes.survey_share * 0.92
    cnt = np.where(resp, 1 + (rng.random(len(people)) < 0.1), 0)
    parent, _ = V.ragged(cnt)
    p = people[parent]
    n = len(p)
    nps = rng.random(n) < 0.6
    nps_score = 10 - V.choice(rng, n, [0.25, 0.2, 0.15, 0.12, 0.07, 0.05, 0.04, 0.04, 0.03, 0.02, 0.03])
    csat_score = 5 - V.choice(rng, n, [0.4, 0.3, 0.15, 0.08, 0.07])
    score = np.where(nps, nps_score, csat_score)
    sentiment = np.where(
        nps,
        np.where(score >= 9, 2, np.where(score >= 7, 1, 0)),
        np.where(score >= 4, 2, np.where(score == 3, 1, 0)),
    )
    topic = rng.integers(0, len(T.TOPICS), n)
    lang = np.where(rng.random(n) < 0.85, pop.lang[p], 0)
    crit = T.pick(rng, "criteria", lang)
    crit = V.where(rng.random(n) < 0.4, V.cat(crit, ", ", T.pick(rng, "criteria", lang)), crit)
    acc, _ = entity_pick(rng, pop.accounts.person, p)
    ts = ctx.uniform_ts(rng, n)
    bcp = V.where(lang == pop.lang[p], V.take(BCP47, pop.loc[p]), V.take(LANG_BCP47, lang))
    cols = {
        "response_id": V.cat("S", V.num(ctx.seq("surveys_responses", n) + 1, 9)),
        "survey_type": V.where(nps, "nps", "csat"),
        "respondent_email": N.email(pop.email.take(pa.array(p)), rng, nz, 0.1, "survey"),
        "account_id": V.nullify(take_or_null(pop.accounts.ids, acc), rng.random(n) < 0.3),
        "score": V.num(score),
        "answer_text": V.nullify(T.sentiment_text(rng, sentiment, topic, lang), rng.random(n) < 0.3),
        "purchase_criteria": V.nullify(crit, rng.random(n) < 0.4),
        "locale": bcp,
        "submitted_at": V.iso_z(ts),
    }
    return finish(ctx, "surveys_responses", cols, p, ts, rng, cfg)
