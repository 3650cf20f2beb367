"""The curl examples of README.md work as written, against the local stack on DynamoDB Local.

They are read from README.md itself, so an example that no longer works fails here.
"""

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

from tests.integration.test_confirmation import free_slots, link_in, wait_for

ROOT = Path(__file__).resolve().parents[2]


def readme_commands() -> tuple[dict[str, str], list[str]]:
    """The "Try it" block: its shell variables (NAME=$(...)) and its curl commands, each
    joined into one line of shell."""
    text = (ROOT / "README.md").read_text()
    block = text.split("Try it:", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    variables: dict[str, str] = {}
    commands: list[str] = []
    for line in block.splitlines():
        if assignment := re.match(r"^([A-Z_]+)=(.*)$", line):
            variables[assignment[1]] = assignment[2]
            commands.append("")  # what follows is not part of the previous command
        elif re.match(r"^(curl|make) ", line):
            commands.append(line)
        elif commands and commands[-1] and line.strip() and not line.startswith("#"):
            commands[-1] += "\n" + line  # a quoted body or a continued line
    return variables, [c for c in commands if c.startswith("curl")]


def shell(command: str, base_url: str, env: dict[str, str], **values: str) -> str:
    """The command as a newcomer's shell runs it, from the repository's root."""
    for placeholder, value in values.items():
        command = command.replace(f"<{placeholder}>", value)
    command = command.replace("localhost:3000", base_url.removeprefix("http://"))
    done = subprocess.run(
        ["bash", "-c", command],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        cwd=ROOT,
        env={**os.environ, **env},
    )
    return done.stdout


def run(command: str, base_url: str, env: dict[str, str], **values: str) -> Any:
    return json.loads(shell(command, base_url, env, **values))


def test_every_curl_example_of_the_readme_works_as_written(
    confirming: tuple[str, str],
) -> None:
    """As `make dev` answers with Oberhavel's configuration: the booking waits for the
    address to be confirmed, and the e-mail's link carries reference and token."""
    base_url = confirming[0]
    variables, curls = readme_commands()
    locations, slots, book, outbox, confirm, show, cancel, outbox_again = curls
    # The shell variables the block sets (the proof of work), computed as the shell would.
    env = {
        name: shell(f'{name}={value}; printf %s "${name}"', base_url, {})
        for name, value in variables.items()
    }
    assert set(env) == {"ALTCHA"}

    assert run(locations, base_url, env)["locations"]
    assert run(slots, base_url, env)["slots"]
    (start,) = free_slots(base_url)
    made = run(book, base_url, env, **{"a start from the list": start})
    assert made["status"] == "pending", made
    assert made["email"] == "e…@example.de"
    mail = wait_for(
        lambda: [
            m
            for m in run(outbox, base_url, env)
            if "erika@example.de" in m["to"] and m["subject"].startswith("Bitte bestätigen")
        ]
    )[-1]
    reference, token, _ = link_in(mail)
    values = {"reference": reference, "token": token}
    assert run(confirm, base_url, env, **values)["status"] == "confirmed"
    assert run(show, base_url, env, **values)["status"] == "confirmed"
    assert run(cancel, base_url, env, **values) == {"reference": reference, "status": "cancelled"}
    assert isinstance(run(outbox_again, base_url, env), list)
