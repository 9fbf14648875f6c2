"""Masking of personal data for roles that do not need it (Decree 356/2025: data minimisation)."""


def mask_phone(phone: str) -> str:
    """Keep the first two and last two digits so a caller can still confirm a number they know."""
    if len(phone) <= 4:
        return "*" * len(phone)
    return phone[:2] + "*" * (len(phone) - 4) + phone[-2:]
