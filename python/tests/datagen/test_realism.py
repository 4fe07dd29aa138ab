"""Volumes, scripts, formats, timestamps, free text and noise rates."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from cdp.datagen import text as T
from cdp.datagen.schema import AMOUNT_COLUMN, SCHEMAS, TIMESTAMP_COLUMN

# (low, high) rows per person
VOLUMES = {
    "crm_contacts": (0.65, 0.85),
    "shop_accounts": (0.55, 0.70),
    "shop_orders": (1.2, 1.8),
    "shop_order_lines": (2.7, 4.0),
    "shop_carts": (0.7, 1.3),
    "shop_reviews": (0.08, 0.25),
    "web_events": (8, 13),
    "app_events": (3.5, 7),
    "billing_subscription_events": (0.4, 0.85),
    "esp_email_events": (4.5, 8),
    "ads_ad_events": (4, 6.5),
    "social_engagements": (0.7, 1.3),
    "support_tickets": (0.14, 0.28),
    "surveys_responses": (0.18, 0.33),
    "privacy_consent_events": (0.9, 1.5),
    "privacy_erasure_requests": (0, 0.02),
}


def test_volumes_per_person(normal) -> None:
    n = normal.cfg.people
    for table, (lo, hi) in VOLUMES.items():
        rate = len(normal.table(table)) / n
        assert lo <= rate <= hi, f"{table}: {rate:.3f} rows/person"
    assert len(normal.table("shop_products")) == pytest.approx(200 + n // 100, rel=0.02)


def test_channel_mix(normal) -> None:
    orders = normal.table("shop_orders")
    mix = orders.channel.value_counts(normalize=True)
    assert mix["online"] == pytest.approx(0.65, abs=0.08)
    assert mix["marketplace"] == pytest.approx(0.15, abs=0.06)
    assert mix["pos"] == pytest.approx(0.20, abs=0.06)
    online = orders[orders.channel == "online"]
    assert online.account_id.notna().mean() > 0.95
    mp = orders[orders.channel == "marketplace"]
    assert mp.account_id.isna().all() and mp.customer_email.str.contains("@", na=False).mean() > 0.9
    pos = orders[orders.channel == "pos"]
    assert pos.shipping_street.isna().all() and pos.store_id.notna().all()
    assert 0.2 < pos.loyalty_card_id.notna().mean() < 0.6


def test_scripts_and_diacritics(normal) -> None:
    crm = normal.table("crm_contacts")
    names = " ".join(crm.first_name.dropna()) + " " + " ".join(crm.last_name.dropna())
    assert re.search(r"[\u0600-\u06FF]", names), "Persian (Arabic script)"
    assert re.search(r"[\u4e00-\u9fff]", names), "Chinese (Hanzi)"
    assert re.search(r"[ễặầươ]", names), "Vietnamese diacritics"
    assert re.search(r"[łśżąę]", names), "Polish diacritics"
    persons = normal.table("persons")
    zh = set(persons.loc[persons.locale == "zh_CN", "person_id"])
    truth = normal.table("record_truth")
    t = (
        truth[truth.source_table == "crm_contacts"]
        .dropna()
        .drop_duplicates("record_id")
        .set_index("record_id")
    )
    zh_rows = crm[crm.contact_id.map(t.person_id).isin(zh)].dropna(subset=["last_name"])
    pinyin = zh_rows.last_name.str.contains("[A-Za-z]").mean()
    assert 0.15 < pinyin < 0.45


def test_locale_mix(normal) -> None:
    mix = normal.table("persons").locale.value_counts(normalize=True)
    expected = {
        "en_US": 0.35,
        "en_GB": 0.15,
        "vi_VN": 0.12,
        "pl_PL": 0.12,
        "fa_IR": 0.08,
        "zh_CN": 0.10,
        "de_DE": 0.08,
    }
    for loc, share in expected.items():
        assert mix[loc] == pytest.approx(share, abs=0.035), loc


def test_phone_numbers_have_national_lengths(normal) -> None:
    persons = normal.table("persons")
    lengths = {
        "en_US": (1, {10}),
        "en_GB": (2, {10}),
        "vi_VN": (2, {9}),
        "pl_PL": (2, {9}),
        "fa_IR": (2, {10}),
        "zh_CN": (2, {11}),
        "de_DE": (2, {10, 11}),
    }
    for loc, (cc_len, allowed) in lengths.items():
        nsn = persons.loc[persons.locale == loc, "phone"].str.slice(1 + cc_len).str.len()
        assert set(nsn.unique()) <= allowed, loc


def _window(normal) -> tuple[int, int]:
    return normal.cfg.start_ts, normal.cfg.end_ts


def test_timestamp_formats_and_window(normal) -> None:
    start, end = _window(normal)
    web = pd.to_numeric(normal.table("web_events").occurred_at, errors="coerce").dropna() / 1000
    assert web.between(start, end).mean() > 0.999
    esp = pd.to_numeric(normal.table("esp_email_events").occurred_at, errors="coerce").dropna()
    assert esp.between(start, end).mean() > 0.999
    offset = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")
    zulu = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
    for table, col, pat in [
        ("shop_orders", "ordered_at", offset),
        ("app_events", "occurred_at", offset),
        ("crm_contacts", "created_at", offset),
        ("shop_accounts", "created_at", zulu),
        ("surveys_responses", "submitted_at", zulu),
        ("ads_ad_events", "occurred_at", zulu),
    ]:
        vals = normal.table(table)[col].dropna()
        assert vals.str.match(pat).mean() > 0.98, (table, col)
    for table in SCHEMAS:
        assert normal.table(table)["_loaded_at"].str.match(zulu).all(), table
    orders = normal.table("shop_orders")
    offs = set(orders.ordered_at.dropna().str.slice(-6))
    assert {"+07:00", "+03:30", "+08:00"} <= offs and ({"+01:00", "+02:00"} & offs)
    ts = pd.to_datetime(orders.ordered_at, errors="coerce", utc=True).dropna().astype("int64") // 10**9
    assert ts.between(start, end).mean() > 0.999
    dob = normal.table("shop_accounts").date_of_birth.dropna()
    assert dob.str.match(r"^\d{2}/\d{2}/\d{4}$").all()


def test_loaded_at_after_event(normal) -> None:
    acc = normal.table("surveys_responses")
    ev = pd.to_datetime(acc.submitted_at, errors="coerce", utc=True)
    ld = pd.to_datetime(acc._loaded_at, utc=True)
    ok = ev.notna()
    assert (ld[ok] > ev[ok]).all()


def test_malformed_rows_in_every_table(normal) -> None:
    for table, cols in SCHEMAS.items():
        df = normal.table(table)
        key = cols[0]
        if len(df) < 400:
            continue
        assert df[key].isna().any(), f"{table}: missing key"
        assert df[key].dropna().duplicated().any(), f"{table}: re-delivered duplicate"
        share = (df[key].isna().sum() + df[key].dropna().duplicated().sum()) / len(df)
        assert share < 0.02, table
        ts_col = TIMESTAMP_COLUMN[table]
        if ts_col:
            assert (
                df[ts_col]
                .isin(["not a date", "2026-13-45", "31/31/2026", "0000-00-00T00:00:00Z", "yesterday"])
                .any()
            ), table
        if table in AMOUNT_COLUMN:
            assert df[AMOUNT_COLUMN[table]].str.startswith("-", na=False).any(), table


def _share(series: pd.Series, pattern: str) -> float:
    return float(series.dropna().str.contains(pattern, regex=True).mean())


def test_email_noise_rates(normal) -> None:
    crm = normal.table("crm_contacts").email
    assert crm.isna().mean() == pytest.approx(0.10, abs=0.04)
    assert _share(crm, r"\+crm@") == pytest.approx(0.05, abs=0.025)
    junk = crm.isin(["test@test.com", "noemail@example.com", "n/a", "none@none.com", "no@email.com"]).mean()
    assert 0 < junk < 0.02
    assert _share(crm, r"@@|^[^@]*$|\.$| at ") > 0
    assert _share(crm, r"[A-Z]|^\s|\s$") == pytest.approx(0.10, abs=0.05)
    pos = normal.table("shop_orders").query("channel == 'pos'").customer_email
    assert pos.isna().mean() > 0.5


def test_email_gmail_dots(normal) -> None:
    persons = normal.table("persons")
    truth_emails = set(persons.email)
    crm = normal.table("crm_contacts").email.dropna()
    gm = crm[crm.str.endswith("@gmail.com") & ~crm.str.contains(r"\+|[A-Z]|\s")]
    altered = (~gm.isin(truth_emails)).mean()
    assert 0.1 < altered < 0.4


def test_personal_emails_are_distinct_mailboxes(normal) -> None:
    """Two people never share a mailbox: Gmail ignores dots, so jo.carr@ and jocarr@gmail.com are one."""
    emails = normal.table("persons").email.dropna().str.lower()
    local, domain = emails.str.rsplit("@", n=1).str[0], emails.str.rsplit("@", n=1).str[1]
    gmail = domain.isin(["gmail.com", "googlemail.com"])
    local = local.where(~gmail, local.str.replace(".", "", regex=False))
    mailbox = local + "@" + domain.where(~gmail, "gmail.com")
    assert gmail.sum() > 100
    assert not mailbox.duplicated().any(), mailbox[mailbox.duplicated(keep=False)].head().tolist()


def test_phone_noise(normal) -> None:
    crm = normal.table("crm_contacts").phone
    assert crm.isna().mean() == pytest.approx(0.20, abs=0.05)
    vals = crm.dropna()
    assert _share(vals, r"^\+\d+$") > 0.15  # E.164
    assert _share(vals, r"^0\d") > 0.1  # national with trunk 0
    assert _share(vals, r"^\(\d{3}\) \d{3}-\d{4}$") > 0  # US parentheses
    assert _share(vals, r"^00\d") > 0
    junk = vals.isin(["0000000000", "1234567890", "N/A", "000-000-0000", "9999999999"]).mean()
    assert 0 < junk < 0.02


def test_name_noise(normal) -> None:
    crm = normal.table("crm_contacts")
    first = crm.first_name
    assert first.isna().mean() == pytest.approx(0.05, abs=0.03)
    vals = first.dropna()
    assert _share(vals, r"^\s|\s$") > 0.01
    assert (vals.str.isupper() & (vals.str.len() > 1)).mean() > 0.005
    assert _share(vals, r"^\w\.$") > 0.003
    nicknames = {
        "Bob",
        "Bill",
        "Liz",
        "Kate",
        "Mike",
        "Tom",
        "Jim",
        "Dave",
        "Chris",
        "Dan",
        "Matt",
        "Jen",
        "Sam",
    }
    assert vals.isin(nicknames).any()


def test_free_text_sentiment_matches_rating(normal) -> None:
    reviews = normal.table("shop_reviews").dropna(subset=["rating", "body"])
    reviews = reviews[reviews.rating.str.fullmatch(r"\d")]
    en = T._BANK["en"]
    negative = {s for topic in T.TOPICS for s in en[topic]}
    positive = set(en["positive"])
    en_rows = reviews[reviews.locale.str.startswith("en")]
    low = en_rows[en_rows.rating.astype(int) <= 2].body
    high = en_rows[en_rows.rating.astype(int) >= 4].body
    assert len(low) and len(high)
    assert low.map(lambda b: any(s in b for s in negative)).all()
    assert high.map(lambda b: any(s in b for s in positive)).all()
    langs = normal.table("shop_reviews").locale.str.slice(0, 2).value_counts()
    assert {"en", "vi", "pl", "fa", "zh", "de"} <= set(langs.index)
    tickets = normal.table("support_tickets")
    assert set(tickets.topic.dropna()) >= set(T.TOPICS)
    assert re.search(r"[\u0600-\u06FF]", " ".join(tickets.description.dropna()))


def test_billing_lifecycles_make_sense(normal) -> None:
    bill = normal.table("billing_subscription_events")
    bad = bill.subscription_event_id.isna() | ~bill.occurred_at.str.match(
        r"^2\d{3}-[01]\d-[0-3]\dT", na=False
    )
    broken = set(bill.loc[bad, "subscription_id"])
    assert len(broken) < 0.1 * bill.subscription_id.nunique()
    bill = bill[~bill.subscription_id.isin(broken)].drop_duplicates("subscription_event_id")
    assert set(bill.event_type) == {
        "trial_started",
        "activated",
        "renewed",
        "upgraded",
        "downgraded",
        "cancelled",
        "expired",
    }
    for _, grp in bill.sort_values(["subscription_id", "occurred_at"]).groupby("subscription_id"):
        events = list(grp.event_type)
        assert events[0] == "trial_started"
        assert events.count("trial_started") == 1
        if "renewed" in events:
            assert "activated" in events and events.index("activated") < events.index("renewed")
        terminal = [e for e in events if e in ("cancelled", "expired")]
        assert len(terminal) <= 1
        if terminal:
            assert events[-1] == terminal[0]


def test_hard_mode_is_noisier(normal, hard) -> None:
    def noise_profile(ds) -> dict[str, float]:
        crm = ds.table("crm_contacts")
        persons = ds.table("persons")
        return {
            "email_missing": crm.email.isna().mean(),
            "email_changed": (
                ~crm.email.dropna().isin(set(persons.email) | set(persons.work_email.dropna()))
            ).mean(),
            "name_missing": crm.first_name.isna().mean(),
            "dob_missing": crm.date_of_birth.isna().mean(),
            "web_user_missing": ds.table("web_events").anonymous_id.isna().mean(),
        }

    n, h = noise_profile(normal), noise_profile(hard)
    for k in n:
        assert h[k] > n[k], k
    assert h["email_changed"] > 1.8 * n["email_changed"]
    assert h["web_user_missing"] > 0.05


def test_address_variants(normal) -> None:
    crm = normal.table("crm_contacts")
    street = crm.street.dropna()
    assert crm.street.isna().mean() == pytest.approx(0.30, abs=0.06)
    assert _share(street, r"\bSt\.?$|\bst$|\bRd\.?$|\bAve$") > 0
    assert _share(street, r"\bStreet$|\bRoad$|\bAvenue$") > 0
    assert _share(street, r"^ulica |^ul\. ") > 0
    assert street.str.contains("Đường").any()
    country = set(crm.country.dropna())
    assert {"US", "USA", "United States"} <= country


def test_dob_noise(normal) -> None:
    crm = normal.table("crm_contacts").date_of_birth
    assert crm.isna().mean() == pytest.approx(0.30, abs=0.05)
    vals = crm.dropna()
    assert vals.str.match(r"^\d{4}-\d{2}-\d{2}$").mean() > 0.5
    assert vals.str.match(r"^\d{2}/\d{2}/\d{4}$").mean() > 0.15
    ages = 2026 - pd.to_numeric(vals.str.extract(r"(\d{4})")[0])
    assert ages.between(17, 86).all()


def test_web_sessions_login(normal) -> None:
    web = normal.table("web_events")
    assert set(web.event_type.dropna()) == {"page_view", "login", "add_to_cart", "checkout", "purchase"}
    assert 0.1 < web.user_id.notna().mean() < 0.7
    assert np.isin(web.device_type.dropna().unique(), ["desktop", "mobile", "tablet"]).all()
