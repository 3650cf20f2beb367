"""The layer is reproducible and is what the tests run: shared/requirements.lock pins every
package with hashes, the virtualenv holds exactly those versions (boto3 and botocore as one
pair), the SDK models the build keeps cover every client the code makes, every site
configuration ships checked, and two builds give the same bytes (infra/build_layer.py)."""

import hashlib
import json
import re
import shutil
import subprocess
from importlib.metadata import version
from pathlib import Path

import pytest

from infra import build_layer
from infra.template import Template

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "shared" / "requirements.lock"
PIN = re.compile(r"^([A-Za-z0-9_.\[\],-]+)==([^\s;\\]+)", re.MULTILINE)


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", requirement.split("[", maxsplit=1)[0]).lower()


def _pins(text: str) -> dict[str, str]:
    return {_name(name): pinned for name, pinned in PIN.findall(text)}


def test_every_top_level_pin_is_in_the_lock_at_its_version() -> None:
    wanted = _pins((ROOT / "shared" / "requirements.txt").read_text())
    locked = _pins(LOCK.read_text())
    assert wanted, "no pins read from shared/requirements.txt"
    assert {name: locked.get(name) for name in wanted} == wanted, "run `make lock`"


def test_every_locked_package_has_hashes() -> None:
    entries = re.split(r"\n(?=\S)", LOCK.read_text())
    packages = [entry for entry in entries if PIN.match(entry)]
    assert len(packages) == len(_pins(LOCK.read_text()))
    assert all("--hash=sha256:" in entry for entry in packages)


def test_the_tests_run_the_locked_versions_boto3_and_botocore_as_one_pair() -> None:
    locked = _pins(LOCK.read_text())
    installed = {name: version(name) for name in locked}
    assert installed == locked, "the virtualenv differs from the lock: make lock"
    assert locked["boto3"] == locked["botocore"]


def _services_named_in_code() -> set[str]:
    named: set[str] = set()
    for source in [*(ROOT / "shared").rglob("*.py"), *(ROOT / "functions").rglob("*.py")]:
        text = source.read_text()
        named |= set(re.findall(r"\.(?:client|resource)\(\s*[\"']([a-z0-9-]+)[\"']", text))
        if "get_secret(" in text:  # Powertools' parameters utility: Secrets Manager
            named.add("secretsmanager")
    return named


def test_the_layer_keeps_the_sdk_model_of_every_client_the_code_makes() -> None:
    named = _services_named_in_code()
    assert {"ses", "secretsmanager"} <= named, "the scan found no client: fix the pattern"
    # PynamoDB makes the DynamoDB client; the X-Ray SDK its own when tracing is on.
    assert named | {"dynamodb", "xray"} <= set(build_layer.SDK_SERVICES)


def test_sam_builds_the_layer_with_the_project_s_makefile() -> None:
    layer = Template().resources["DomainLayer"]
    assert layer["Metadata"]["BuildMethod"] == "makefile"
    assert layer["Metadata"]["BuildArchitecture"] == "arm64"
    assert layer["Properties"]["ContentUri"] == "shared/"
    makefile = (ROOT / "shared" / "Makefile").read_text()
    assert "build-DomainLayer:" in makefile
    assert "infra.build_layer" in makefile


def _tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
        digest.update(str(path.stat().st_mtime).encode())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    first, second = tmp_path_factory.mktemp("first"), tmp_path_factory.mktemp("second")
    return build_layer.build(first), build_layer.build(second)


def test_two_builds_give_the_same_bytes(built: tuple[Path, Path]) -> None:
    first, second = built
    assert _tree_digest(first) == _tree_digest(second)


def test_the_layer_is_precompiled_for_opt_python_and_pruned(built: tuple[Path, Path]) -> None:
    layer, _ = built
    sources = list(layer.rglob("*.py"))
    compiled = {p.parent.parent / (p.name.split(".")[0] + ".py") for p in layer.rglob("*.pyc")}
    assert sources
    assert set(sources) <= compiled
    booking = next(layer.glob("terminbuchung/__pycache__/bookings.cpython-313.pyc")).read_bytes()
    assert b"/opt/python/terminbuchung/bookings.py" in booking
    assert str(layer).encode() not in booking
    models = {p.name for p in (layer / "botocore" / "data").iterdir() if p.is_dir()}
    assert models == set(build_layer.SDK_SERVICES)
    countries = {p.stem for p in (layer / "holidays" / "countries").glob("*.py")}
    assert countries == {"__init__", "germany"}
    cldr = {p.stem for p in (layer / "babel" / "locale-data").glob("*.dat")}
    assert cldr == set(build_layer.BABEL_LOCALES)
    assert not list(layer.rglob("*.pyi"))
    assert not (layer / "bin").exists()


def test_every_shipped_site_configuration_has_its_checked_form(built: tuple[Path, Path]) -> None:
    layer, _ = built
    shipped = sorted(p.name for p in (ROOT / "shared" / "config").glob("*.toml"))
    assert shipped
    for name in shipped:
        source = (layer / "config" / name).read_bytes()
        checked = json.loads((layer / "config" / f"{name}.checked.json").read_bytes())
        assert checked["source_sha256"] == hashlib.sha256(source).hexdigest()
        assert checked["config"]["locations"]


def test_the_layer_s_probe_refuses_a_configuration_its_checked_form_was_not_made_from(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    """A file edited after its check would be checked at every cold start, with pydantic."""
    layer, _ = built
    edited = tmp_path / "python"
    edited.mkdir()
    for entry in layer.iterdir():
        if entry.name != "config":
            (edited / entry.name).symlink_to(entry)
    shutil.copytree(layer / "config", edited / "config")
    for site_file in (edited / "config").glob("*.toml"):
        site_file.write_text(site_file.read_text(encoding="utf-8") + "\n# edited\n", "utf-8")
    build_layer.check_configs_load_without_pydantic(layer)

    with pytest.raises(subprocess.CalledProcessError):
        build_layer.check_configs_load_without_pydantic(edited)
