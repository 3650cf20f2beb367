"""What counts as the same person, for the rule "one active booking per person".

A person is counted by e-mail address and, when given, by household number (both reach
the table only as keyed hashes, see references.person_hash). The form stores both in one
spelling already (forms.py: Unicode compatibility forms and digits of any script made
plain ASCII); here the e-mail address is reduced further to the mailbox it reaches, so one
person cannot hold more appointments by spelling the same mailbox differently:

- upper and lower case count alike (no provider delivers by case);
- a sub-address counts as its mailbox: erika+termin@example.de is erika@example.de
  (RFC 5233 "+" tags, which Gmail, Outlook, iCloud, Posteo and others deliver to the
  mailbox without the tag);
- at Gmail the dots of the local part do not count: e.rika@gmail.com is erika@gmail.com,
  as Google delivers both to one mailbox (googlemail.com is the same service).

The e-mail itself goes to the address as typed; only the count uses this form.
"""

_DOTLESS_DOMAINS = frozenset({"gmail.com", "googlemail.com"})


def mailbox(address: str) -> str:
    """The mailbox an e-mail address reaches, as the booking limit counts it."""
    local, _, domain = address.casefold().rpartition("@")
    local = local.split("+", 1)[0] or local
    if domain in _DOTLESS_DOMAINS:
        domain = "gmail.com"
        local = local.replace(".", "")
    return f"{local}@{domain}"
