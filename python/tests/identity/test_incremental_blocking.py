"""The Fellegi-Sunter inputs are incremental: int_person_records by record, int_fs_candidate_pairs by the
blocks the rewritten records are in and were in, int_fs_pair_comparisons by pair. After a contact is
re-delivered under another last name (it leaves its blocks and joins others, which shifts its old and new
neighbours' sorted-neighbourhood pairs) and an order is re-delivered without a name, e-mail or phone (it stops
describing a person), and a third joins a block larger than the window (pairs of records it did not touch
end), the three tables equal a full rebuild row for row. So they do after the blocking window narrows and a
nickname is added: the candidate pairs and the comparisons notice that they were derived under another
configuration and start over. Then a contact joins a block between two records that another rule pairs in a
block the run does not touch: their pair keeps that rule, found by pairing those two records' blocks again."""

from __future__ import annotations

import duckdb
import pytest

from tests.dbt_harness import DbtProject

MODELS = ("int_person_records", "int_fs_candidate_pairs", "int_fs_pair_comparisons")
LAST_NAME_RULE = 1  # cdp__blocking_rules[0]: [date_of_birth, last_name_folded]
FIRST_NAME_RULE = 2  # cdp__blocking_rules[1]: [date_of_birth, first_name_folded]
NAME_PAIR_RULE = 6  # cdp__blocking_rules[5]: the least and the greatest of the first and last names
# A raw load time (ISO 8601 text, like the seeds') one day after the newest load of a raw table.
NEXT_DAY = (
    "(select strftime(cast(max(_loaded_at) as timestamp) + interval 1 day, '%Y-%m-%dT%H:%M:%SZ')"
    " from cdp_raw.{table})"
)


def _pairs_of(project: DbtProject, record_key: str) -> set[tuple[str, str, int]]:
    with duckdb.connect(str(project.duckdb_path), read_only=True) as con:
        return set(
            con.execute(
                "select record_key_l, record_key_r, blocking_rule_index"
                " from cdp_intermediate.int_fs_candidate_pairs where ? in (record_key_l, record_key_r)",
                [record_key],
            ).fetchall()
        )


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory):
    project = DbtProject("dev", tmp_path_factory.mktemp("blocking"), {})
    project.dbt("seed")
    project.dbt("run", "-s", "+int_fs_pair_comparisons")
    with duckdb.connect(str(project.duckdb_path)) as con:
        # A contact paired through its (date of birth, last name) block, and an order that describes a person.
        contact_id, contact_key = con.execute(
            """
            select substr(record_key_l, length('crm_contacts:') + 1), record_key_l
            from cdp_intermediate.int_fs_candidate_pairs
            where blocking_rule_index = ? and record_key_l like 'crm_contacts:%'
            order by record_key_l
            limit 1
            """,
            [LAST_NAME_RULE],
        ).fetchone()
        order_id, order_key = con.execute(
            """
            select record_id, record_key
            from cdp_intermediate.int_fs_candidate_pairs
            inner join cdp_intermediate.int_person_records on record_key in (record_key_l, record_key_r)
            where source_table = 'shop_orders'
            order by record_key
            limit 1
            """
        ).fetchone()
    pairs_before = _pairs_of(project, contact_key)
    candidates_before = project.intermediate_rows(("int_fs_candidate_pairs",))["int_fs_candidate_pairs"]
    with duckdb.connect(str(project.duckdb_path)) as con:
        # Re-deliveries, loaded a day after the newest load: the latest delivery of a key wins.
        con.execute(
            f"""
            insert into cdp_raw.crm_contacts
            select * replace (
                'Quaintrelle' as last_name,
                {NEXT_DAY.format(table="crm_contacts")} as _loaded_at
            )
            from cdp_raw.crm_contacts
            where contact_id = ?
            """,
            [contact_id],
        )
        con.execute(
            f"""
            insert into cdp_raw.shop_orders
            select * replace (
                null as customer_name,
                null as customer_email,
                null as customer_phone,
                {NEXT_DAY.format(table="shop_orders")} as _loaded_at
            )
            from cdp_raw.shop_orders
            where order_id = ?
            """,
            [order_id],
        )
        # A third contact, re-delivered under the names of the largest (first, last name) block (22 records
        # in the demo data, more than the window of five) and the birth date of its middle record: it lands
        # inside the block, so some pairs of neighbours it separates end although neither of their records
        # changed.
        names, birth_date = con.execute(
            """
            with members as (
                select block_key, record_key
                from cdp_intermediate.int_fs_candidate_pairs__block_members
                where blocking_rule_index = ?
            ),
            largest as (
                select block_key from members group by block_key order by count(*) desc, block_key limit 1
            )
            select largest.block_key, strftime(quantile_disc(person.date_of_birth, 0.5), '%d/%m/%Y')
            from largest
            inner join members using (block_key)
            inner join cdp_intermediate.int_person_records as person using (record_key)
            group by largest.block_key
            """,
            [NAME_PAIR_RULE],
        ).fetchone()
        first_name, last_name = names.split("||")
        joiner_block_keys = {
            key
            for (key,) in con.execute(
                "select record_key from cdp_intermediate.int_fs_candidate_pairs__block_members"
                " where blocking_rule_index = ? and block_key = ?",
                [NAME_PAIR_RULE, names],
            ).fetchall()
        }
        (joiner_id,) = con.execute(
            "select min(contact_id) from cdp_raw.crm_contacts where contact_id <> ?", [contact_id]
        ).fetchone()
        con.execute(
            f"""
            insert into cdp_raw.crm_contacts
            select * replace (
                ? as first_name,
                ? as last_name,
                ? as date_of_birth,
                {NEXT_DAY.format(table="crm_contacts")} as _loaded_at
            )
            from cdp_raw.crm_contacts
            where contact_id = ?
            """,
            [first_name, last_name, birth_date, joiner_id],
        )
    # The person records first, to read their change log (the re-delivered records and those of the late-load
    # lookback) before the candidate pairs consume it.
    project.dbt("run", "-s", "+int_person_records")
    last_run = {r["unique_id"].split(".")[-1]: r for r in project.run_results()}
    with duckdb.connect(str(project.duckdb_path), read_only=True) as con:
        logged = con.execute(
            "select distinct record_key from cdp_intermediate.int_person_records__changed_records"
        ).fetchall()
    project.dbt("run", "-s", "int_fs_candidate_pairs int_fs_pair_comparisons")
    last_run |= {r["unique_id"].split(".")[-1]: r for r in project.run_results()}
    incremental = project.intermediate_rows(MODELS)
    pairs_after = _pairs_of(project, contact_key)
    with duckdb.connect(str(project.duckdb_path), read_only=True) as con:
        written = con.execute(
            """
            select record_key_l, record_key_r, written_at = max(written_at) over ()
            from cdp_intermediate.int_fs_candidate_pairs
            """
        ).fetchall()
    project.dbt("run", "-s", " ".join(MODELS), "--full-refresh")
    return {
        "project": project,
        "last_run": last_run,
        "incremental": incremental,
        "full": project.intermediate_rows(MODELS),
        "contact_pairs": (pairs_before, pairs_after),
        "order_key": order_key,
        "changed_keys": {contact_key, order_key, f"crm_contacts:{joiner_id}"},
        "candidates_before": candidates_before,
        "written_last": {(key_l, key_r) for key_l, key_r, last in written if last},
        "kept": {(key_l, key_r) for key_l, key_r, last in written if not last},
        "joiner_block_keys": joiner_block_keys,
        "logged_keys": {key for (key,) in logged},
    }


def test_the_runs_read_the_change_logs(rebuilt) -> None:
    code = {name: rebuilt["last_run"][name]["compiled_code"] for name in MODELS}
    assert "touched_records" in code["int_person_records"]
    assert "int_person_records__changed_records" in code["int_fs_candidate_pairs"]
    assert "touched_pairs_1" in code["int_fs_candidate_pairs"]
    assert "int_fs_candidate_pairs__changed_records" in code["int_fs_pair_comparisons"]
    # The comparisons compare the pairs written since they last read the candidate pairs.
    assert "int_fs_pair_comparisons__compared_until" in code["int_fs_pair_comparisons"]


def test_pairs_between_unchanged_records_leave_the_comparisons(rebuilt) -> None:
    # Pairs the joiner pushed apart: neither of their records changed, yet they are no candidates any more ...
    after = {row[:2] for row in rebuilt["incremental"]["int_fs_candidate_pairs"]}
    ended = {
        row[:2]
        for row in rebuilt["candidates_before"]
        if row[:2] not in after and not rebuilt["changed_keys"] & set(row[:2])
    }
    assert ended, "no pair between unchanged records ended: the scenario proves nothing"
    # ... and the incremental comparisons dropped them too (found through the ends the candidate pairs log).
    compared = {row[:2] for row in rebuilt["incremental"]["int_fs_pair_comparisons"]}
    assert not ended & compared


def test_the_run_writes_only_pairs_the_comparisons_must_compare_again(rebuilt) -> None:
    # Written: new pairs, pairs under another first rule, pairs of a record the person records rewrote (the
    # re-delivered ones and those of the late-load lookback). A pair between other records that keeps its rule
    # keeps its row, even inside a block the run paired again.
    before = {row[:2]: row[2] for row in rebuilt["candidates_before"]}
    after = {row[:2]: row[2] for row in rebuilt["incremental"]["int_fs_candidate_pairs"]}
    assert rebuilt["changed_keys"] <= rebuilt["logged_keys"]
    for pair in rebuilt["written_last"]:
        assert pair not in before or before[pair] != after[pair] or rebuilt["logged_keys"] & set(pair), pair
    joiner_block = {pair for pair in rebuilt["kept"] if rebuilt["joiner_block_keys"] >= set(pair)}
    assert joiner_block, "no pair of the block the joiner entered kept its row: the scenario proves nothing"


def test_the_renamed_contact_left_its_block(rebuilt) -> None:
    before, after = rebuilt["contact_pairs"]
    assert any(rule == LAST_NAME_RULE for *_, rule in before)
    assert not any(rule == LAST_NAME_RULE for *_, rule in after)


def test_the_nameless_order_is_no_person_record_any_more(rebuilt) -> None:
    keys = {row[0] for row in rebuilt["incremental"]["int_person_records"]}
    assert rebuilt["order_key"] not in keys
    pairs = rebuilt["incremental"]["int_fs_candidate_pairs"]
    assert not any(rebuilt["order_key"] in row[:2] for row in pairs)


@pytest.mark.parametrize("model", MODELS)
def test_incremental_equals_a_full_rebuild(rebuilt, model: str) -> None:
    incremental, full = rebuilt["incremental"][model], rebuilt["full"][model]
    assert full, f"{model} is empty: proves nothing"
    assert incremental == full, (
        f"{model}: incremental-only {sorted(set(incremental) - set(full))[:3]}; "
        f"full-only {sorted(set(full) - set(incremental))[:3]}"
    )


NARROW_WINDOW = '{"cdp__block_window": 1}'


@pytest.fixture(scope="module")
def reconfigured(rebuilt):
    project: DbtProject = rebuilt["project"]
    fs_models = ("int_fs_nickname_pairs", *MODELS[1:])
    # A narrower sorted-neighbourhood window (5 by default): a block of three records or more loses pairs.
    project.dbt("run", "-s", " ".join(fs_models), "--vars", NARROW_WINDOW)
    narrowed = {r["unique_id"].split(".")[-1]: r for r in project.run_results()}
    after_window = project.intermediate_rows(MODELS)
    with duckdb.connect(str(project.duckdb_path)) as con:
        # A compared pair whose first names have nothing in common ...
        first_l, first_r, pair = con.execute(
            """
            select person_l.first_name_folded, person_r.first_name_folded, [record_key_l, record_key_r]
            from cdp_intermediate.int_fs_pair_comparisons as comparisons
            inner join cdp_intermediate.int_person_records as person_l on record_key_l = person_l.record_key
            inner join cdp_intermediate.int_person_records as person_r on record_key_r = person_r.record_key
            where fn_level = 0
            order by record_key_l, record_key_r
            limit 1
            """
        ).fetchone()
        # ... become a nickname of each other.
        con.execute(
            "insert into cdp_reference.nicknames by name select ? as formal_name, ? as nickname",
            [first_l, first_r],
        )
        # Two contacts paired first by (date of birth, last name), alone in their (date of birth, first name)
        # block and sorted alike. A new contact copied from the first under another first name, its id the
        # first's plus a letter, lands between them (ties go by record key) in the first block only: their
        # pair loses its first rule in a block the run touches and keeps the second in a block it does not.
        pair_by_two_rules = con.execute(
            """
            with first_name_blocks as (
                select block_key
                from cdp_intermediate.int_fs_candidate_pairs__block_members
                where blocking_rule_index = ?
                group by block_key
                having count(*) = 2
            ),
            two_member_blocks as (
                select members.block_key, min(members.record_key) as key_l, max(members.record_key) as key_r
                from cdp_intermediate.int_fs_candidate_pairs__block_members as members
                inner join first_name_blocks using (block_key)
                where members.blocking_rule_index = ?
                group by members.block_key
            )
            select pairs.record_key_l, pairs.record_key_r
            from cdp_intermediate.int_fs_candidate_pairs as pairs
            inner join two_member_blocks as two
                on (pairs.record_key_l, pairs.record_key_r) = (two.key_l, two.key_r)
            inner join cdp_intermediate.int_person_records as l on pairs.record_key_l = l.record_key
            inner join cdp_intermediate.int_person_records as r on pairs.record_key_r = r.record_key
            where
                pairs.blocking_rule_index = ?
                and pairs.record_key_l like 'crm_contacts:%'
                and pairs.record_key_r like 'crm_contacts:%'
                -- the other fields of cdp__block_sort_expressions (the date of birth is the block's)
                and (l.postcode, l.email_match_key, l.phone_e164, l.street_match_key)
                    is not distinct from (r.postcode, r.email_match_key, r.phone_e164, r.street_match_key)
                and pairs.record_key_l || 'Q' < pairs.record_key_r
            order by pairs.record_key_l
            limit 1
            """,
            [FIRST_NAME_RULE, FIRST_NAME_RULE, LAST_NAME_RULE],
        ).fetchone()
        assert pair_by_two_rules, "no pair for the scenario in the demo data"
        copied_id = pair_by_two_rules[0].removeprefix("crm_contacts:")
        con.execute(
            f"""
            insert into cdp_raw.crm_contacts
            select * replace (
                contact_id || 'Q' as contact_id,
                'Quillon' as first_name,
                {NEXT_DAY.format(table="crm_contacts")} as _loaded_at
            )
            from cdp_raw.crm_contacts
            where contact_id = ?
            qualify row_number() over (order by _loaded_at desc) = 1
            """,
            [copied_id],
        )
    project.dbt("run", "-s", "+int_fs_pair_comparisons int_fs_nickname_pairs", "--vars", NARROW_WINDOW)
    joined = {r["unique_id"].split(".")[-1]: r for r in project.run_results()}
    incremental = project.intermediate_rows(MODELS)
    with duckdb.connect(str(project.duckdb_path), read_only=True) as con:
        (fn_level,) = con.execute(
            "select fn_level from cdp_intermediate.int_fs_pair_comparisons"
            " where record_key_l = ? and record_key_r = ?",
            pair,
        ).fetchone()
    project.dbt("run", "-s", " ".join(fs_models), "--full-refresh", "--vars", NARROW_WINDOW)
    return {
        "narrowed": narrowed,
        "after_window": after_window,
        "pair_by_two_rules": pair_by_two_rules,
        "joined": joined,
        "fn_level": fn_level,
        "incremental": incremental,
        "full": project.intermediate_rows(MODELS),
    }


def test_a_narrower_window_pairs_everything_again(rebuilt, reconfigured) -> None:
    # The run took the full branch (no touched blocks) and kept fewer pairs than the default window gives.
    assert "touched_pairs_1" not in reconfigured["narrowed"]["int_fs_candidate_pairs"]["compiled_code"]
    default_pairs = rebuilt["full"]["int_fs_candidate_pairs"]
    assert 0 < len(reconfigured["after_window"]["int_fs_candidate_pairs"]) < len(default_pairs)
    assert len(reconfigured["after_window"]["int_fs_pair_comparisons"]) < len(default_pairs)


def test_a_pair_that_loses_its_first_rule_keeps_the_next(reconfigured) -> None:
    # Neither contact of the pair changed; the run paired again only the blocks the copy joined, yet the pair
    # now carries the (date of birth, first name) rule from a block it did not touch, as a full rebuild does.
    before = {row[:2]: row[2] for row in reconfigured["after_window"]["int_fs_candidate_pairs"]}
    after = {row[:2]: row[2] for row in reconfigured["incremental"]["int_fs_candidate_pairs"]}
    pair = tuple(reconfigured["pair_by_two_rules"])
    assert "pairs_settled" in reconfigured["joined"]["int_fs_candidate_pairs"]["compiled_code"]
    assert (before[pair], after.get(pair)) == (LAST_NAME_RULE, FIRST_NAME_RULE)


def test_a_new_nickname_reaches_the_compared_pair(reconfigured) -> None:
    nickname_level = 4  # cdp_fs_comparison_levels: fn 4 = nickname (0 before: nothing in common)
    assert reconfigured["fn_level"] == nickname_level


@pytest.mark.parametrize("model", MODELS[1:])
def test_reconfigured_incremental_equals_a_full_rebuild(reconfigured, model: str) -> None:
    incremental, full = reconfigured["incremental"][model], reconfigured["full"][model]
    assert incremental == full, (
        f"{model}: incremental-only {sorted(set(incremental) - set(full))[:3]}; "
        f"full-only {sorted(set(full) - set(incremental))[:3]}"
    )
