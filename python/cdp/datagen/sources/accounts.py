"""Account-level event streams: subscription billing, privacy consent and erasure requests."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from cdp.datagen import noise as N
from cdp.datagen import vec as V
from cdp.datagen.sources.base import Context, TableChunk, entity_pick, finish, take_or_null
from cdp.datagen.sources.commerce import CURRENCIES, _local_cents

DAY = 86400
PLANS = ("basic", "plus", "premium")
PLAN_USD_CENTS = np.array([999, 1999, 3999])
EVENTS = ("trial_started", "activated", "renewed", "upgraded", "downgraded", "cancelled", "expired")


def billing_subscription_events(ctx: Context) -> TableChunk:
    """Lifecycles: trial_started -> activated | expired -> renewed* (-> upgraded/downgraded) -> cancelled."""
    rng = ctx.rng("billing_subscription_events")
    pop, cfg = ctx.pop, ctx.cfg
    ent = pop.accounts
    sl = ent.range_of(ctx.lo, ctx.hi)
    a_person = ent.person[sl]
    subscriber = rng.random(len(a_person)) < cfg.volumes.subscriber_share / cfg.volumes.account_share
    acc = np.arange(sl.start, sl.stop)[subscriber]
    person = a_person[subscriber]
    ns = len(acc)
    t0 = ctx.uniform_ts(rng, ns, 3)
    plan0 = V.choice(rng, ns, [0.5, 0.35, 0.15])
    converts = rng.random(ns) < 0.75
    act = t0 + 14 * DAY
    converts &= act < cfg.end_ts
    expired = ~converts & (act < cfg.end_ts)
    possible = np.where(converts, (cfg.end_ts - 1 - act) // (30 * DAY), 0)
    churn = rng.random(ns) < 0.35
    n_renew = np.where(churn, np.minimum(rng.geometric(0.35, ns) - 1, possible), possible)
    change = converts & (n_renew >= 1) & (rng.random(ns) < 0.2)
    change_at = np.where(change, rng.integers(0, np.maximum(n_renew, 1)), -1)
    up = (plan0 < 2) & ((plan0 == 0) | (rng.random(ns) < 0.6))
    plan1 = np.where(change, np.where(up, plan0 + 1, plan0 - 1), plan0)
    cancel_ts = act + n_renew * 30 * DAY + rng.integers(DAY, 29 * DAY, ns)
    cancelled = converts & churn & (cancel_ts < cfg.end_ts)

    rparent, rpos = V.ragged(n_renew)
    r_ts = act[rparent] + (rpos + 1) * 30 * DAY
    r_plan = np.where(rpos >= change_at[rparent], plan1[rparent], plan0[rparent])
    r_plan = np.where(change_at[rparent] < 0, plan0[rparent], r_plan)
    ci = np.nonzero(change)[0]
    c_ts = act[ci] + change_at[ci] * 30 * DAY + rng.integers(DAY, 20 * DAY, len(ci))
    sub = np.concatenate(
        [
            np.arange(ns),
            np.nonzero(converts)[0],
            np.nonzero(expired)[0],
            rparent,
            ci,
            np.nonzero(cancelled)[0],
        ]
    )
    ev = np.concatenate(
        [
            np.zeros(ns, np.int64),
            np.ones(int(converts.sum()), np.int64),
            np.full(int(expired.sum()), 6),
            np.full(len(rparent), 2),
            np.where(up[ci], 3, 4),
            np.full(int(cancelled.sum()), 5),
        ]
    )
    ts = np.concatenate([t0, act[converts], act[expired], r_ts, c_ts, cancel_ts[cancelled]])
    plan = np.concatenate([plan0, plan0[converts], plan0[expired], r_plan, plan1[ci], plan1[cancelled]])
    order = np.lexsort((ts, sub))
    sub, ev, ts, plan = sub[order], ev[order], ctx.clip_ts(ts[order]), plan[order]
    n = len(sub)
    p = person[sub]
    loc = pop.loc[p]
    mrr = np.where(np.isin(ev, [0, 6]), 0, _local_cents(PLAN_USD_CENTS[plan], loc))
    mrr = np.where(ev == 5, 0, mrr)
    sub_ids = V.alnum_ids(rng, ns, 14, "sub_")
    cols = {
        "subscription_event_id": V.cat("sev_", V.num(ctx.seq("billing", n) + 1, 9)),
        "subscription_id": sub_ids.take(pa.array(sub)),
        "account_id": ent.ids.take(pa.array(acc[sub])),
        "plan": V.take(PLANS, plan),
        "event_type": V.take(EVENTS, ev),
        "mrr_amount": V.money(mrr),
        "currency": V.take(CURRENCIES, loc),
        "occurred_at": V.iso_z(ts),
    }
    return finish(ctx, "billing_subscription_events", cols, p, ts, rng, cfg)


CONSENT_CHANNELS = ("email", "sms", "push", "ads_personalisation", "analytics")
COLLECTED_VIA = ("web_form", "checkout", "app_settings", "store_pos", "email_link", "cookie_banner")


def privacy_consent_events(ctx: Context) -> TableChunk:
    rng = ctx.rng("privacy_consent_events")
    pop, cfg, nz = ctx.pop, ctx.cfg, ctx.cfg.noise
    people = ctx.people
    has = rng.random(len(people)) < cfg.volumes.consent_share
    cnt = np.where(has, 1 + rng.poisson(cfg.volumes.consents_per_person - 1, len(people)), 0)
    parent, _ = V.ragged(cnt)
    p = people[parent]
    n = len(p)
    ch = V.choice(rng, n, [0.35, 0.15, 0.1, 0.2, 0.2])
    acc, _ = entity_pick(rng, pop.accounts.person, p)
    email = N.email(pop.email.take(pa.array(p)), rng, nz, 0.02, "prefs")
    # SMS opt-ins arrive from the SMS provider in E.164 and always carry the number; other channels' forms
    # collect phones the way people type them.
    phone = V.where(ch == 1, N.e164(pop, p), N.phone(pop, p, rng, nz))
    with_email = (ch == 0) | ((ch >= 3) & (rng.random(n) < 0.5)) | (acc < 0) & (ch != 1)
    with_phone = ch == 1
    with_acc = (acc >= 0) & ((ch >= 2) | (rng.random(n) < 0.3))
    via = np.where(ch == 2, 2, np.where(ch == 4, 5, rng.integers(0, len(COLLECTED_VIA), n)))
    ts = ctx.uniform_ts(rng, n)
    cols = {
        "consent_event_id": V.cat("ce_", V.num(ctx.seq("consent", n) + 1, 10)),
        "email": V.nullify(email, ~with_email),
        "phone": V.nullify(phone, ~with_phone),
        "account_id": V.nullify(take_or_null(pop.accounts.ids, acc), ~with_acc),
        "channel": V.take(CONSENT_CHANNELS, ch),
        "status": V.where(rng.random(n) < 0.8, "granted", "withdrawn"),
        "collected_via": V.take(COLLECTED_VIA, via),
        "occurred_at": V.iso_z(ts),
    }
    return finish(ctx, "privacy_consent_events", cols, p, ts, rng, cfg)


def privacy_erasure_requests(ctx: Context) -> TableChunk:
    rng = ctx.rng("privacy_erasure_requests")
    pop, cfg, nz = ctx.pop, ctx.cfg, ctx.cfg.noise
    people = ctx.people
    p = people[rng.random(len(people)) < cfg.volumes.erasure_share]
    if len(p) == 0 and ctx.chunk == 0 and len(people):
        # Even a small sample carries one request, so every build exercises erasure end to end.
        p = people[rng.integers(len(people), size=1)]
    n = len(p)
    acc, _ = entity_pick(rng, pop.accounts.person, p)
    ts = ctx.uniform_ts(rng, n, 1)
    cols = {
        "request_id": V.cat("ER-", V.num(ctx.seq("erasure", n) + 1, 6)),
        "email": V.nullify(
            N.email(pop.email.take(pa.array(p)), rng, nz, 0.0, "privacy"), rng.random(n) < 0.1
        ),
        "phone": V.nullify(N.phone(pop, p, rng, nz), rng.random(n) < 0.6),
        "account_id": V.nullify(take_or_null(pop.accounts.ids, acc), rng.random(n) < 0.3),
        "requested_at": V.iso_z(ts),
        "status": V.where(ts < cfg.end_ts - 30 * DAY, "completed", "received"),
    }
    return finish(ctx, "privacy_erasure_requests", cols, p, ts, rng, cfg)
