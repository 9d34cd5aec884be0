"""CPR numbers: validated, encrypted at rest (Fernet) and looked up by a keyed hash.

The plain number never reaches the database, a log or a list; only roles that need it see it.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CPR_PATTERN = re.compile(r"^(\d{2})(\d{2})(\d{2})-?(\d{4})$")


def normalise_cpr(value: str) -> str:
    """Return the ten digits of a CPR number, or raise ValidationError."""
    match = CPR_PATTERN.match(value.strip())
    if not match:
        raise ValidationError(
            _("A CPR number has ten digits, e.g. 010203-1234."), code="cpr_format"
        )
    day, month, year, serial = match.groups()
    try:
        dt.date(2000 + int(year), int(month), int(day))
    except ValueError:
        raise ValidationError(
            _("The first six digits of a CPR number are a date (DDMMYY)."), code="cpr_date"
        ) from None
    return f"{day}{month}{year}{serial}"


def _fernet() -> Fernet:
    return Fernet(settings.CPR_ENCRYPTION_KEY.encode())


def _hash_key() -> bytes:
    raw = base64.urlsafe_b64decode(settings.CPR_ENCRYPTION_KEY.encode())
    return hmac.new(raw, b"samspil-cpr-lookup", hashlib.sha256).digest()


def encrypt_cpr(cpr: str) -> str:
    return _fernet().encrypt(normalise_cpr(cpr).encode()).decode()


def decrypt_cpr(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()


def cpr_lookup_hash(cpr: str) -> str:
    return hmac.new(_hash_key(), normalise_cpr(cpr).encode(), hashlib.sha256).hexdigest()


def format_cpr(cpr: str) -> str:
    return f"{cpr[:6]}-{cpr[6:]}"
