"""The site configurations a deploy would ship, validated at build time (`make build`).

    python -m infra.check_site_config [--root DIR]

Which files: the default of template.yaml's parameter SiteConfigFile and the SiteConfigFile
of every environment in samconfig.toml (`parameter_overrides`). Each is read from
shared/config/ and checked by `terminbuchung.config.checked_form`, the check the layer build
runs before it ships the file's checked form: a typo fails the build, naming file, line and
field, instead of every request of the deployed stack. Exit status 1 if any file is invalid
or missing.

`--root` is the project (template.yaml, samconfig.toml, shared/config/); by default this one.
"""

import argparse
import shlex
import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LAYER = ROOT / "shared"
if str(LAYER) not in sys.path:
    sys.path.insert(0, str(LAYER))

PARAMETER = "SiteConfigFile"


def parameter_overrides(value: Any) -> dict[str, str]:
    """samconfig's parameter_overrides: a list of "Key=Value", or one string of them."""
    items = shlex.split(value) if isinstance(value, str) else [str(item) for item in value or []]
    overrides = {}
    for item in items:
        key, _, setting = item.partition("=")
        overrides[key.strip()] = setting
    return overrides


def shipped_files(root: Path) -> dict[str, list[str]]:
    """Each configuration file a deploy may ship, with where it is named."""
    from infra.template import Template

    files: dict[str, list[str]] = {}
    default = Template(root / "template.yaml").parameters.get(PARAMETER)
    if default:
        files.setdefault(default, []).append(f"template.yaml ({PARAMETER} default)")
    samconfig = root / "samconfig.toml"
    if samconfig.is_file():
        environments = tomllib.loads(samconfig.read_text(encoding="utf-8"))
        for name, commands in environments.items():
            if not isinstance(commands, dict):
                continue  # `version`
            for command, section in commands.items():
                overrides = (section.get("parameters") or {}).get("parameter_overrides")
                chosen = parameter_overrides(overrides).get(PARAMETER)
                if chosen:
                    files.setdefault(chosen, []).append(f"samconfig.toml [{name}.{command}]")
    return files


def check(root: Path) -> list[str]:
    """The problems of every shipped configuration; empty if there are none."""
    from terminbuchung.config import ConfigError, checked_form

    problems = []
    for name, named_in in shipped_files(root).items():
        try:
            checked_form(root / "shared" / "config" / name)
        except ConfigError as error:
            problems.append(f"{error}\n  (named in {', '.join(named_in)})")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.check_site_config", description=__doc__)
    parser.add_argument("--root", type=Path, default=ROOT, help="the project (default: this one)")
    root = parser.parse_args(argv).root
    files = shipped_files(root)
    if not files:
        print(f"no {PARAMETER} in template.yaml or samconfig.toml", file=sys.stderr)
        return 1
    problems = check(root)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    print(f"site configuration valid: {', '.join(sorted(files))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
