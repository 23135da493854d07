"""Personal data as staff see it before a reveal (P16): enough to tell records apart, not to use."""

MASK = "•"


def mask(value, kind: str = "text") -> str:
    """A value as staff see it before a reveal: an account number keeps its last 4 digits, a phone
    number its first 2 and last 3, an email its first letter and domain, other text its first letter."""
    value = str(value or "")
    if not value:
        return ""
    if kind == "account":
        return f"{MASK * 4} {value[-4:]}" if len(value) > 4 else MASK * 4
    if kind == "phone":
        return value[:2] + MASK * (len(value) - 5) + value[-3:] if len(value) > 6 else MASK * 4
    if kind == "email" and "@" in value:
        local, _at, domain = value.partition("@")
        return f"{local[:1]}{MASK * 3}@{domain}"
    return value[:1] + MASK * 3
