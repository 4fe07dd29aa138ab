"""Ground truth: coverage of every person-linked row, consistency with identifiers, households."""

from __future__ import annotations

import pandas as pd

from cdp.datagen.schema import PERSON_TABLES, SCHEMAS


def test_truth_covers_every_person_row(normal) -> None:
    truth = normal.table("record_truth")
    ids = normal.table("identifiers")
    person_cookies = set(ids.loc[ids.identifier_type == "cookie_id", "identifier_value"])
    counts = truth.groupby("source_table").size()
    assert "shop_products" not in set(truth.source_table)
    for table in PERSON_TABLES:
        df = normal.table(table)
        if table in ("web_events", "ads_ad_events"):
            expected = int(df.anonymous_id.isin(person_cookies).sum())
        else:
            expected = len(df)
        assert counts.get(table, 0) == expected, table
        key = SCHEMAS[table][0]
        # same multiset of record ids (nulls included: missing-key rows still have a truth row)
        got = truth.loc[truth.source_table == table, "record_id"].fillna("<null>").value_counts().sort_index()
        rows = (
            df if table not in ("web_events", "ads_ad_events") else df[df.anonymous_id.isin(person_cookies)]
        )
        want = rows[key].fillna("<null>").value_counts().sort_index()
        assert got.equals(want), table


def test_truth_references_existing_people(normal) -> None:
    truth = normal.table("record_truth")
    persons = normal.table("persons")
    assert persons.person_id.is_unique
    assert len(persons) == normal.cfg.people
    assert truth.person_id.isin(persons.person_id).all()
    assert truth.person_id.nunique() > 0.9 * len(persons)


def test_anonymous_traffic_and_impressions_have_no_truth(normal) -> None:
    web, ads = normal.table("web_events"), normal.table("ads_ad_events")
    ids = normal.table("identifiers")
    person_cookies = set(ids.loc[ids.identifier_type == "cookie_id", "identifier_value"])
    anon_share = 1 - web.anonymous_id.isin(person_cookies).mean()
    assert 0.05 < anon_share < 0.3
    impressions = ads[ads.event_type == "impression"]
    assert impressions.anonymous_id.isna().all()
    assert len(impressions) > 0.8 * len(ads)


def _owner(ids: pd.DataFrame, kind: str) -> pd.Series:
    sub = ids[ids.identifier_type == kind]
    return sub.groupby("identifier_value").person_id.agg(lambda s: set(s))


def test_truth_agrees_with_identifiers(normal) -> None:
    truth = normal.table("record_truth").dropna(subset=["record_id"]).drop_duplicates()
    ids = normal.table("identifiers")
    accounts = _owner(ids, "account_id")
    assert all(len(v) == 1 for v in accounts)

    acc = normal.table("shop_accounts").dropna(subset=["account_id"]).drop_duplicates("account_id")
    t = truth[truth.source_table == "shop_accounts"].set_index("record_id").person_id
    owners = acc.account_id.map(lambda a: next(iter(accounts[a])))
    assert (acc.account_id.map(t) == owners).all()

    # web events: a logged-in user_id belongs to the acting person
    web = normal.table("web_events").dropna(subset=["event_id", "user_id"]).drop_duplicates("event_id")
    t = truth[truth.source_table == "web_events"].set_index("record_id").person_id
    acting = web.event_id.map(t)
    assert (web.user_id.map(lambda a: next(iter(accounts[a]))) == acting).all()

    # online orders: account owner is the buyer
    orders = normal.table("shop_orders").dropna(subset=["order_id", "account_id"]).drop_duplicates("order_id")
    t = truth[truth.source_table == "shop_orders"].set_index("record_id").person_id
    assert (orders.account_id.map(lambda a: next(iter(accounts[a]))) == orders.order_id.map(t)).all()


def test_shared_household_devices_resolve_to_the_acting_person(normal) -> None:
    ids = normal.table("identifiers")
    cookies = _owner(ids, "cookie_id")
    shared = {k for k, v in cookies.items() if len(v) > 1}
    assert shared, "some household tablets share a cookie"
    web = normal.table("web_events")
    truth = normal.table("record_truth")
    t = truth[truth.source_table == "web_events"].dropna(subset=["record_id"]).drop_duplicates("record_id")
    on_shared = web[web.anonymous_id.isin(shared)].merge(t, left_on="event_id", right_on="record_id")
    assert len(on_shared) > 0
    per_cookie = on_shared.groupby("anonymous_id").person_id.nunique()
    assert (per_cookie > 1).any(), "different household members act on the same tablet"
    assert all(p in cookies[c] for c, p in zip(on_shared.anonymous_id, on_shared.person_id, strict=True))


def test_households_share_address(normal) -> None:
    persons = normal.table("persons")
    hh = persons.dropna(subset=["household_id"])
    share = len(hh) / len(persons)
    assert 0.07 < share < 0.17
    sizes = hh.groupby("household_id").size()
    assert sizes.between(2, 4).all()
    assert (hh.groupby("household_id")[["street", "city", "postcode", "locale"]].nunique() == 1).all().all()


def test_same_name_different_people(normal) -> None:
    persons = normal.table("persons")
    solo = persons[persons.household_id.isna()]
    dup = solo.duplicated(["first_name", "last_name"], keep=False)
    assert dup.mean() > 0.02
    assert persons.email.is_unique
    assert persons.phone.is_unique
