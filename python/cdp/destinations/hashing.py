"""Normalisation and SHA-256 hashing of identifiers for ad platforms that match on hashes (Meta Custom
Audiences, Google Customer Match). The marts already hold normalised values (lower-case e-mail, E.164 phone,
ISO country); these rules add what each platform asks on top, so SQL and Python agree byte for byte."""

from __future__ import annotations

import hashlib
import unicodedata


def sha256_hex(value: str) -> str:
    """Lower-case hex SHA-256 of the UTF-8 bytes; the empty string stays empty (a missing identifier)."""
    return hashlib.sha256(value.encode()).hexdigest() if value else ""


def email(value: object) -> str:
    return str(value or "").strip().lower()


def phone_digits(value: object) -> str:
    """Meta: digits only, with the country code, no '+' and no leading zeros (E.164 without the '+')."""
    return "".join(ch for ch in str(value or "") if ch.isdigit()).lstrip("0")


def phone_e164(value: object) -> str:
    """Google: E.164 with its '+'."""
    digits = phone_digits(value)
    return f"+{digits}" if digits else ""


def name(value: object) -> str:
    """Lower case, no punctuation, no spaces; letters of every script kept (UTF-8), NFC-composed."""
    text = unicodedata.normalize("NFC", str(value or "").strip().lower())
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LMN")


def country(value: object) -> str:
    return str(value or "").strip().lower()[:2]


def postcode(value: object) -> str:
    return "".join(str(value or "").lower().split())
