"""The site configuration's checked form (terminbuchung.config, issue 14): what the layer
build writes beside each TOML file gives the very objects the validator gives, is used only
for the bytes it was made from, and is read without pydantic."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from terminbuchung import config
from terminbuchung.config import ConfigError, checked_form, checked_path, load_site_config
from tests.conftest import SHIPPED_SITE, TESTS

ROOT = TESTS.parent
SITE_FILES = sorted(
    [*(ROOT / "shared" / "config").glob("*.toml"), *TESTS.glob("site-test*.toml")],
    key=lambda path: path.name,
)


def _with_checked_form(source: Path, folder: Path) -> Path:
    """A copy of `source` in `folder` with its checked form beside it, as in the layer."""
    copy = folder / source.name
    shutil.copyfile(source, copy)
    checked_path(copy).write_bytes(checked_form(copy))
    return copy


@pytest.mark.parametrize("source", SITE_FILES, ids=lambda path: path.name)
def test_the_checked_form_gives_the_validated_configuration(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    validated = load_site_config(source)
    copy = _with_checked_form(source, tmp_path)

    def no_check(text: str, source: str = "") -> None:
        raise AssertionError(f"{source} was checked again instead of read from its checked form")

    monkeypatch.setattr(config, "parse_site_config", no_check)
    from_checked = load_site_config(copy)

    assert from_checked == validated


def test_the_checked_form_is_the_same_bytes_every_time(tmp_path: Path) -> None:
    copy = _with_checked_form(SHIPPED_SITE, tmp_path)

    assert checked_form(copy) == checked_path(copy).read_bytes()
    assert checked_path(copy).name == "oberhavel.toml.checked.json"


def test_a_file_edited_after_its_check_is_checked_again_and_refused_with_its_line(
    tmp_path: Path,
) -> None:
    copy = _with_checked_form(SHIPPED_SITE, tmp_path)
    text = copy.read_text(encoding="utf-8")
    copy.write_text(text.replace("desks = 2", "desks = 0", 1), encoding="utf-8")
    line = text[: text.index("desks = 2")].count("\n") + 1

    with pytest.raises(ConfigError, match=rf"oberhavel\.toml:{line}: locations\[0\]\.desks: "):
        load_site_config(copy)


def test_a_file_edited_after_its_check_counts_as_it_is_now(tmp_path: Path) -> None:
    copy = _with_checked_form(SHIPPED_SITE, tmp_path)
    copy.write_text(
        copy.read_text(encoding="utf-8").replace("desks = 2", "desks = 4", 1), encoding="utf-8"
    )

    oranienburg = load_site_config(copy).location("oranienburg")

    assert oranienburg is not None
    assert oranienburg.desks == 4


def test_a_cold_start_with_the_checked_form_does_not_import_pydantic(tmp_path: Path) -> None:
    copy = _with_checked_form(SHIPPED_SITE, tmp_path)
    probe = (
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT / 'shared')!r})\n"
        "from terminbuchung.config import site_config\n"
        "assert site_config().locations\n"
        "assert 'pydantic' not in sys.modules, 'pydantic imported'\n"
    )
    environment = {**os.environ, "SITE_CONFIG": str(copy)}

    subprocess.run([sys.executable, "-I", "-c", probe], check=True, env=environment)

    # The same probe without the checked form: it must check the file, with pydantic.
    checked_path(copy).unlink()
    with pytest.raises(subprocess.CalledProcessError):
        subprocess.run(
            [sys.executable, "-I", "-c", probe], check=True, env=environment, capture_output=True
        )
