"""Masking of personal data for roles that do not need it (Decree 356/2025: data minimisation)."""


def mask_phone(phone: str) -> str:
    """Keep the first two and last two digits so a caller can still confirm a number they know."""
    if len(phone) <= 4:
        return "*" * len(phone)
    return phone[:2] + "*" * (len(phone) - 4) + phone[-2:]


# Fields holding personal data, with how each is masked for roles that may not see it; the record's
# page and its change history apply the same rule.
PERSONAL_FIELDS = {"representative_phone": mask_phone}


def mask_change(field: str, value: object) -> object:
    masker = PERSONAL_FIELDS.get(field)
    return masker(value) if masker is not None and isinstance(value, str) else value
