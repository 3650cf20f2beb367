"""Build the DomainLayer for python3.13 on arm64, reproducibly: `sam build` runs this through
shared/Makefile (BuildMethod: makefile); `python -m infra.build_layer DIR` builds into DIR.

1. The packages of shared/requirements.lock, every one checked against its hashes, as
   Lambda's platform gets them (manylinux aarch64 wheels, CPython 3.13), by uv.
2. Our own packages: terminbuchung, http_api and the site configurations, each of these
   checked now and shipped with its checked form beside it (`oberhavel.toml.checked.json`),
   which a cold start reads without pydantic (terminbuchung.config).
3. What no function imports is left out (LEFT_OUT, the SDK's service models but ours, the
   holidays of every country but Germany, Babel's data of other languages than ours): a
   smaller layer, a faster cold start.
4. Bytecode for every module, so no cold start compiles a file: the hash of the source is
   recorded instead of its time (`unchecked-hash`: the layer is read-only, so the source can
   never change under its bytecode), file names are the ones Lambda sees (/opt/python), and
   every file gets the same time: the same lock and sources give the same bytes.
"""

import argparse
import compileall
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT / "shared"
LOCK = SHARED / "requirements.lock"
OUR_PACKAGES = ("terminbuchung", "http_api", "config")
# Where Lambda mounts a layer's python/ directory: the names in tracebacks.
LAMBDA_PATH = "/opt/python"
# 2026-01-01T00:00:00Z: any fixed time; zip archives and bytecode then do not depend on
# when the layer was built.
SOURCE_DATE_EPOCH = 1767225600
PLATFORM = "aarch64-manylinux2014"
PYTHON_VERSION = "3.13"

# The AWS services the functions call; botocore's models of the other ~400 are 25 MB.
# tests/unit/test_layer.py fails when the code names a client not in this list.
# xray: the X-Ray SDK makes a client for its sampling rules as soon as tracing starts.
SDK_SERVICES = ("dynamodb", "ses", "sesv2", "secretsmanager", "scheduler", "sts", "xray")
# Germany alone: Brandenburg's public holidays (schedule.public_holiday).
HOLIDAY_COUNTRIES = {"germany": "Germany, DE, DEU"}
HOLIDAY_LANGUAGES = ("de", "en_US")
# Babel's CLDR data for the e-mails' languages (terminbuchung.languages: LanguageInfo.locale)
# and the locales they inherit from; the other ~1,080 locales are 29 MB.
BABEL_LOCALES = ("root", "de", "de_DE", "en", "en_001", "en_GB", "uk", "uk_UA", "ar")
# Never imported at run time: type stubs, the holidays' ICS generator, markers for tools.
LEFT_OUT = ("*.pyi", "py.typed", "wrapt-stubs", "__pycache__")


def install_locked(target: Path) -> None:
    uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    if uv is None:
        raise SystemExit("uv is missing: make installs it into .venv (requirements-dev.txt)")
    subprocess.run(  # noqa: S603 - our own fixed arguments
        [uv, "pip", "install", "--quiet", "--require-hashes", "--no-deps", "--no-compile",
         "--python-platform", PLATFORM, "--python-version", PYTHON_VERSION,
         "--target", str(target), "-r", str(LOCK)],
        check=True,
    )  # fmt: skip


def copy_our_packages(target: Path) -> None:
    for name in OUR_PACKAGES:
        shutil.copytree(
            SHARED / name, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
        )


def write_checked_configs(target: Path) -> None:
    """Every shipped site configuration, checked by the validator the functions would run,
    and its checked form beside it: an invalid file fails the build, naming line and field."""
    if str(SHARED) not in sys.path:
        sys.path.insert(0, str(SHARED))
    from terminbuchung.config import ConfigError, checked_form, checked_path

    for site_file in sorted((target / "config").glob("*.toml")):
        try:
            checked_path(site_file).write_bytes(checked_form(site_file))
        except ConfigError as error:
            raise SystemExit(str(error)) from error


def leave_out_unused(target: Path) -> None:
    for pattern in LEFT_OUT:
        for path in sorted(target.rglob(pattern), reverse=True):
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    # Console scripts (jp.py, idna, ...): a layer's bin/ is on no function's PATH we use.
    shutil.rmtree(target / "bin", ignore_errors=True)
    data = target / "botocore" / "data"
    for service in data.iterdir():
        if service.is_dir() and service.name not in SDK_SERVICES:
            shutil.rmtree(service)
    _only_german_holidays(target / "holidays")
    for data in (target / "babel" / "locale-data").glob("*.dat"):
        if data.stem not in BABEL_LOCALES:
            data.unlink()


def _only_german_holidays(package: Path) -> None:
    """holidays.countries imports all ~250 countries when one is asked for (70 ms and 5 MB
    we never use): keep Germany, and an __init__ that imports it alone. The registry still
    names the others; asking for one would fail, and nothing does."""
    countries = package / "countries"
    for module in countries.glob("*.py"):
        if module.stem not in HOLIDAY_COUNTRIES and module.name != "__init__.py":
            module.unlink()
    (countries / "__init__.py").write_text(
        "# Built for Terminbuchung's layer (infra/build_layer.py): Germany only.\n"
        + "".join(
            f"from holidays.countries.{module} import {names}\n"
            for module, names in HOLIDAY_COUNTRIES.items()
        )
    )
    financial = package / "financial"
    for module in financial.glob("*.py"):
        if module.name != "__init__.py":
            module.unlink()
    (financial / "__init__.py").write_text("# Built for Terminbuchung's layer: none used.\n")
    for language in (package / "locale").iterdir():
        if language.name not in HOLIDAY_LANGUAGES:
            shutil.rmtree(language)
    for kept in HOLIDAY_LANGUAGES:
        for catalogue in (package / "locale" / kept / "LC_MESSAGES").iterdir():
            if catalogue.stem not in ("DE",):
                catalogue.unlink()


def precompile(target: Path) -> None:
    os.environ["SOURCE_DATE_EPOCH"] = str(SOURCE_DATE_EPOCH)
    import py_compile

    compiled = compileall.compile_dir(
        str(target),
        quiet=1,
        stripdir=str(target),
        prependdir=LAMBDA_PATH,
        workers=2,
        invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
    )
    if not compiled:
        raise SystemExit("a module of the layer does not compile")


def fix_times(target: Path) -> None:
    for path in [target, *target.rglob("*")]:
        os.utime(path, (SOURCE_DATE_EPOCH, SOURCE_DATE_EPOCH), follow_symlinks=False)


def _run_in_layer(target: Path, probe: str) -> None:
    """Runs `probe` in a fresh interpreter that sees the built layer only (no site-packages)."""
    subprocess.run(  # noqa: S603 - our own fixed arguments
        [sys.executable, "-I", "-S", "-B", "-c", f"import sys; sys.path[:0] = "
         f"[{str(target)!r}]\n{probe}"],
        check=True,
    )  # fmt: skip


def check_holidays(target: Path) -> None:
    """The pruned holidays package still knows Brandenburg's (pure Python, any machine)."""
    probe = (
        "import datetime, holidays\n"
        "days = holidays.country_holidays('DE', subdiv='BB', years=2026)\n"
        "assert days.get(datetime.date(2026, 10, 31)) == 'Reformationstag', days\n"
    )
    _run_in_layer(target, probe)


def check_languages(target: Path) -> None:
    """The pruned CLDR data still writes a date in each of the e-mails' languages."""
    probe = (
        "from datetime import UTC, datetime\n"
        "from terminbuchung import languages\n"
        "for code in languages.CODES:\n"
        "    languages.date_and_time(code, datetime(2026, 12, 1, 9, tzinfo=UTC))\n"
    )
    _run_in_layer(target, probe)


def check_configs_load_without_pydantic(target: Path) -> None:
    """Each shipped configuration is read from its checked form, so no cold start imports
    pydantic for it (nor could it here: the layer's pydantic_core is built for arm64)."""
    probe = (
        "from pathlib import Path\n"
        "from terminbuchung.config import load_site_config\n"
        f"for site_file in sorted(Path({str(target / 'config')!r}).glob('*.toml')):\n"
        "    load_site_config(site_file)\n"
        "assert 'pydantic' not in sys.modules, sorted(sys.modules)\n"
    )
    _run_in_layer(target, probe)


def build(artifacts: Path) -> Path:
    target = artifacts / "python"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    install_locked(target)
    copy_our_packages(target)
    write_checked_configs(target)
    leave_out_unused(target)
    check_holidays(target)
    check_languages(target)
    check_configs_load_without_pydantic(target)
    precompile(target)
    fix_times(target)
    return target


def _main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("artifacts", type=Path, help="the layer's root (SAM's ARTIFACTS_DIR)")
    built = build(parser.parse_args().artifacts.resolve())
    files = [p for p in built.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    print(f"layer built: {len(files)} files, {size / 1e6:.1f} MB in {built}")


if __name__ == "__main__":
    _main()
