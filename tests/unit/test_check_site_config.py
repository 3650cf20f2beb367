"""`make build` validates the site configurations a deploy would ship (infra/check_site_config.py).

The check is run as the build runs it, `python -m infra.check_site_config`, on a copy of the
project in a temporary directory with one file broken.
"""

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import TypeAdapter

from infra import check_site_config
from terminbuchung.config import SiteConfig, checked_path, load_site_config

ROOT = Path(__file__).resolve().parents[2]
TWO_WINDOWS = 'tuesday = ["08:00-12:00", "13:00-17:00"]'


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """template.yaml and shared/config/ as shipped, in a directory of their own."""
    shutil.copy(ROOT / "template.yaml", tmp_path / "template.yaml")
    shutil.copytree(ROOT / "shared" / "config", tmp_path / "shared" / "config")
    return tmp_path


def run_check(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "infra.check_site_config", "--root", str(root)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def break_file(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_shipped_configurations_pass() -> None:
    assert check_site_config.main([]) == 0


def test_the_template_default_and_every_samconfig_environment_are_checked() -> None:
    files = check_site_config.shipped_files(ROOT)

    assert "template.yaml (SiteConfigFile default)" in files["oberhavel.toml"]
    for stage in ("dev", "test", "prod"):
        assert any(f"[{stage}." in where for named in files.values() for where in named)


def test_a_broken_configuration_fails_the_check_naming_line_and_field(project: Path) -> None:
    assert run_check(project).returncode == 0

    break_file(project / "shared" / "config" / "oberhavel.toml", TWO_WINDOWS,
               'tuesday = ["08:00-12:00", "11:00-17:00"]')  # fmt: skip
    done = run_check(project)

    assert done.returncode == 1
    assert "invalid site configuration" in done.stderr
    assert "oberhavel.toml:" in done.stderr
    assert "locations[0].opening_hours.tuesday: time windows 08:00-12:00 and 11:00-17:00" in (
        done.stderr
    )
    assert "named in template.yaml (SiteConfigFile default)" in done.stderr


def test_a_typo_in_a_key_fails_the_check(project: Path) -> None:
    break_file(
        project / "shared" / "config" / "oberhavel.toml", "horizon_days = 5", "horizon_dys = 5"
    )

    done = run_check(project)

    assert done.returncode == 1
    assert "horizon_dys" in done.stderr


def test_a_file_a_samconfig_environment_names_is_checked_too(project: Path) -> None:
    trial = project / "shared" / "config" / "trial.toml"
    shutil.copy(project / "shared" / "config" / "oberhavel.toml", trial)
    break_file(trial, "desks = 2", 'desks = "zwei"')
    # Both ways samconfig gives overrides: a list, and one string as `sam deploy --guided`
    # writes it.
    (project / "samconfig.toml").write_text(
        """version = 0.1

[trial.deploy.parameters]
stack_name = "trial"
parameter_overrides = ["Stage=test", "SiteConfigFile=trial.toml"]

[other.deploy.parameters]
parameter_overrides = "Stage=\\"dev\\" SiteConfigFile=\\"gone.toml\\""
""",
        encoding="utf-8",
    )

    done = run_check(project)

    assert done.returncode == 1
    assert "trial.toml:" in done.stderr
    assert "desks" in done.stderr
    assert "named in samconfig.toml [trial.deploy]" in done.stderr
    assert "cannot read site configuration" in done.stderr
    assert "gone.toml" in done.stderr


def test_a_checked_form_beside_the_file_does_not_spare_it_the_check(project: Path) -> None:
    """The build checks the file itself: a checked form left in shared/config/ (it is the
    layer's artefact, never committed) cannot vouch for a broken file."""
    site_file = project / "shared" / "config" / "oberhavel.toml"
    valid = load_site_config(site_file)
    break_file(site_file, "horizon_days = 5", "horizon_days = 500")
    forged = {
        "source_sha256": hashlib.sha256(site_file.read_bytes()).hexdigest(),
        "config": TypeAdapter(SiteConfig).dump_python(valid, mode="json"),
    }
    checked_path(site_file).write_text(json.dumps(forged), encoding="utf-8")
    assert load_site_config(site_file) == valid  # what a cold start would believe

    done = run_check(project)

    assert done.returncode == 1
    assert "locations[0].horizon_days" in done.stderr
