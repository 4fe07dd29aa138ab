"""One generator per raw table (some generated together so they agree, e.g. orders and their lines)."""

from __future__ import annotations

from collections.abc import Callable

from cdp.datagen.sources.accounts import (
    billing_subscription_events,
    privacy_consent_events,
    privacy_erasure_requests,
)
from cdp.datagen.sources.base import Context, TableChunk
from cdp.datagen.sources.commerce import commerce
from cdp.datagen.sources.digital import ads_ad_events, app_events, web_events
from cdp.datagen.sources.engagement import (
    esp_email_events,
    social_engagements,
    support_tickets,
    surveys_responses,
)
from cdp.datagen.sources.identity import crm_contacts, shop_accounts

#: Generators run for every chunk of people, in this order.
GENERATORS: tuple[Callable[[Context], TableChunk | list[TableChunk]], ...] = (
    crm_contacts,
    shop_accounts,
    commerce,
    web_events,
    app_events,
    billing_subscription_events,
    esp_email_events,
    ads_ad_events,
    social_engagements,
    support_tickets,
    surveys_responses,
    privacy_consent_events,
    privacy_erasure_requests,
)

__all__ = ["GENERATORS", "Context", "TableChunk"]
