"""Which e-mail addresses Amazon SES can send to, and in which spelling.

SES speaks no SMTPUTF8: the part before the @ must be plain ASCII, or the confirmation
would be lost. A domain with umlauts is sent to in its ASCII form (IDNA, xn--...), which
every mail server reads. The form refuses the first kind of address; the e-mail function
spells the second.
"""


class AddressNotDeliverable(ValueError):
    """SES speaks no SMTPUTF8: a local part (before the @) must be plain ASCII."""


def local_part_deliverable(address: str) -> bool:
    return address.rpartition("@")[0].isascii()


def ascii_address(address: str) -> str:
    """The address as SES takes it: an umlaut domain in its ASCII form (IDNA)."""
    if not local_part_deliverable(address):
        # The message names no address: it ends up in logs.
        raise AddressNotDeliverable("the part before the @ has characters SES cannot send to")
    local, _, domain = address.rpartition("@")
    return f"{local}@{domain.encode('idna').decode('ascii')}"


def masked_address(address: str) -> str:
    """What the page may show of an address: enough to spot a typo in the domain, too
    little to read someone's address off the screen (e…@gmx.de)."""
    local, _, domain = address.rpartition("@")
    return f"{local[:1]}…@{domain}"
