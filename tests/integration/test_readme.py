"""The curl examples of README.md work as written, against the local stack on DynamoDB Local.

They are read from README.md itself, so an example that no longer works fails here.
"""

import json
import re
import shlex
import subprocess
from pathlib import Path
from typing import Any

from tests.integration.test_confirmation import free_slots, link_in, wait_for

ROOT = Path(__file__).resolve().parents[2]


def readme_curl_commands() -> list[str]:
    """The curl commands of the "Try it" block, each joined into one line of shell."""
    text = (ROOT / "README.md").read_text()
    block = text.split("Try it:", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands: list[str] = []
    for line in block.splitlines():
        if re.match(r"^(curl|make) ", line):
            commands.append(line)
        elif commands and line.strip():
            commands[-1] += "\n" + line  # a quoted body or a continued line
    return [
        c.split("#", 1)[0].strip() if "'" not in c else c for c in commands if c.startswith("curl")
    ]


def run(command: str, base_url: str, **values: str) -> Any:
    for placeholder, value in values.items():
        command = command.replace(f"<{placeholder}>", value)
    command = command.replace("localhost:3000", base_url.removeprefix("http://"))
    # As the shell reads it: a backslash at the end of a line continues it; # begins a comment.
    args = shlex.split(command.replace("\\\n", " "), comments=True)
    done = subprocess.run(args, capture_output=True, text=True, timeout=30, check=True)
    return json.loads(done.stdout)


def test_every_curl_example_of_the_readme_works_as_written(
    confirming: tuple[str, str],
) -> None:
    """As `make dev` answers with Oberhavel's configuration: the booking waits for the
    address to be confirmed, and the e-mail's link carries reference and token."""
    base_url = confirming[0]
    locations, slots, book, outbox, confirm, show, cancel, outbox_again = readme_curl_commands()

    assert run(locations, base_url)["locations"]
    assert run(slots, base_url)["slots"]
    (start,) = free_slots(base_url)
    made = run(book, base_url, **{"a start from the list": start})
    assert made["status"] == "pending", made
    assert made["email"] == "e…@example.de"
    mail = wait_for(
        lambda: [
            m
            for m in run(outbox, base_url)
            if "erika@example.de" in m["to"] and m["subject"].startswith("Bitte bestätigen")
        ]
    )[-1]
    reference, token, _ = link_in(mail)
    values = {"reference": reference, "token": token}
    assert run(confirm, base_url, **values)["status"] == "confirmed"
    assert run(show, base_url, **values)["status"] == "confirmed"
    assert run(cancel, base_url, **values) == {"reference": reference, "status": "cancelled"}
    assert isinstance(run(outbox_again, base_url), list)
