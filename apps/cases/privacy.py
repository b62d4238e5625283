"""Personal data of reporters: masked everywhere (`138****5678`, `张*`) except to the roles
that need it to do their job, and then only through a logged reveal
(`services.case_reveal_personal_data`)."""
from .workflow import DISPATCHERS

# Dispatch staff call residents back (回访) and clarify reports; nobody else needs the raw data.
PERSONAL_DATA_ROLES = DISPATCHERS


def mask_phone(phone):
    """138****5678: the first three and last four digits stay, enough to recognise a number."""
    phone = (phone or "").strip()
    if not phone:
        return ""
    if len(phone) <= 4:
        return "*" * len(phone)
    if len(phone) < 8:
        return "*" * (len(phone) - 2) + phone[-2:]
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_name(name):
    """张* / 欧阳** / J***: the first character only."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)


def may_reveal(user):
    return user.is_authenticated and user.role in PERSONAL_DATA_ROLES
