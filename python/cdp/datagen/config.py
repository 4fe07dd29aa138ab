"""Generator configuration: volumes per person and noise rates (normal and ``--hard``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Volumes:
    """Population shares and average rows per person (see the brief in ``docs/raw_sources.md``)."""

    crm_share: float = 0.70
    crm_duplicate_share: float = 0.08
    account_share: float = 0.60
    second_account_share: float = 0.05
    buyer_share: float = 0.50
    orders_per_buyer: float = 3.0
    lines_per_order: float = 2.2
    open_carts_per_person: float = 0.60
    converted_cart_share: float = 0.40
    review_per_order: float = 0.10
    web_share: float = 0.75
    web_sessions_per_user: float = 4.0
    web_events_per_session: float = 3.2
    anonymous_cookies_per_person: float = 0.5
    anonymous_events_per_cookie: float = 3.0
    app_share: float = 0.25
    app_sessions_per_user: float = 4.4
    subscriber_share: float = 0.12
    email_share: float = 0.60
    email_sends_per_recipient: float = 7.0
    ad_impressions_per_person: float = 4.4
    ad_clicks_per_person: float = 0.5
    social_share: float = 0.20
    engagements_per_social: float = 5.0
    support_share: float = 0.20
    survey_share: float = 0.25
    consent_share: float = 0.60
    consents_per_person: float = 2.0
    erasure_share: float = 0.002
    work_email_share: float = 0.25
    loyalty_share: float = 0.30
    handle_share: float = 0.20
    household_share: float = 0.12
    same_name_clone_share: float = 0.01


@dataclass(frozen=True)
class Noise:
    """Per-record noise rates. ``scaled`` gives the ``--hard`` variant."""

    email_case_space: float = 0.10
    email_plus: float = 0.05
    gmail_dots: float = 0.20
    email_domain_typo: float = 0.01
    email_missing_crm: float = 0.10
    email_missing_pos: float = 0.30
    email_junk: float = 0.005
    email_malformed: float = 0.01
    phone_missing: float = 0.20
    phone_junk: float = 0.005
    phone_bad_length: float = 0.01
    name_case: float = 0.05
    name_space: float = 0.05
    name_typo: float = 0.03
    name_nickname: float = 0.05
    name_swap: float = 0.02
    name_strip_diacritics: float = 0.20
    name_initial: float = 0.02
    name_missing: float = 0.05
    dob_missing: float = 0.30
    dob_transposed: float = 0.02
    address_abbrev: float = 0.30
    address_case: float = 0.05
    address_missing: float = 0.30
    postcode_variant: float = 0.15
    junk_text: float = 0.005
    malformed_rows: float = 0.005
    missing_keys: float = 0.0

    def scaled(self, factor: float = 2.5) -> Noise:
        """Noisier copy: every rate times ``factor`` (capped), plus missing identifying keys."""
        values = {f.name: min(getattr(self, f.name) * factor, 0.6) for f in dataclasses.fields(self)}
        values["name_strip_diacritics"] = min(self.name_strip_diacritics * 2, 0.6)
        values["dob_missing"] = 0.5
        values["address_missing"] = 0.5
        values["email_missing_pos"] = 0.5
        values["phone_missing"] = 0.4
        values["missing_keys"] = 0.10
        return Noise(**values)


@dataclass(frozen=True)
class GenConfig:
    """Everything that determines the output (same config => byte-identical output)."""

    people: int = 1000
    seed: int = 42
    end_date: dt.date = dt.date(2026, 10, 31)
    days: int = 365
    hard: bool = False
    chunk_people: int = 100_000
    volumes: Volumes = field(default_factory=Volumes)

    @property
    def noise(self) -> Noise:
        return Noise().scaled() if self.hard else Noise()

    @property
    def end_ts(self) -> int:
        """End of the window (exclusive), epoch seconds UTC: midnight after ``end_date``."""
        end = dt.datetime.combine(self.end_date + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
        return int(end.timestamp())

    @property
    def start_ts(self) -> int:
        return self.end_ts - self.days * 86400

    @property
    def n_products(self) -> int:
        return int(min(200 + self.people // 100, 5000))
