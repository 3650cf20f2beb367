"""Cold start in a Lambda-like layout: each handler's import against `import boto3`.

The layout is the one Lambda gives a python3.13 function, built from `sam build`'s output:

    task     .aws-sam/build/<Function>          (Lambda's /var/task)
    layer    .aws-sam/build/DomainLayer/python  (Lambda's /opt/python, before the runtime)
    runtime  boto3 and its dependencies, precompiled  (the runtime's own SDK)

Every sample is a fresh interpreter (`-I -S -B`: no site-packages, no user environment, no
bytecode written, as Lambda's read-only /opt and /var/task), so what the layer does not ship
precompiled is compiled on every sample, as in every cold start. Handlers and `import boto3`
are sampled interleaved, so load from other processes hits both alike; the ratio of the
medians is the figure.

The layer is built for arm64 (Lambda's Graviton); on another machine its few native modules
(pydantic_core, markupsafe, wrapt) are replaced by this machine's build of the same version,
in a copy. Nothing else is changed.
"""

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / ".aws-sam" / "build"
# The SDK the python3.13 runtime ships, from this virtualenv: boto3 and what it imports.
RUNTIME_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six")
# What Lambda's runtime sets before it imports a handler, plus the template's Globals.
LAMBDA_ENVIRONMENT = {
    "AWS_REGION": "eu-central-1",
    "AWS_DEFAULT_REGION": "eu-central-1",
    "AWS_LAMBDA_FUNCTION_NAME": "benchmark",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
    "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13",
    "LAMBDA_TASK_ROOT": "/var/task",
    "TABLE_NAME": "benchmark",
    "POWERTOOLS_SERVICE_NAME": "terminbuchung",
    "POWERTOOLS_METRICS_NAMESPACE": "Terminbuchung",
    "POWERTOOLS_LOG_LEVEL": "INFO",
    "POWERTOOLS_TRACER_CAPTURE_RESPONSE": "false",
    # The template's default (parameter Tracing = PassThrough); `tracing_on` measures Active.
    "POWERTOOLS_TRACE_DISABLED": "true",
    "PATH": "/usr/bin:/bin",
}
TRACING_ON = {**LAMBDA_ENVIRONMENT, "POWERTOOLS_TRACE_DISABLED": "false"}
TRACED = "BookFunction"
PROBE = (
    "import sys, time\n"
    "sys.path[:0] = sys.argv[1].split(':')\n"
    "started = time.perf_counter()\n"
    "__import__(sys.argv[2])\n"
    "print(time.perf_counter() - started)\n"
)


def base_python() -> str:
    """The interpreter the virtualenv was made from (its standard library is precompiled)."""
    return str(Path(sys.base_prefix) / "bin" / f"python{sys.version_info[0]}.{sys.version_info[1]}")


def functions(build: Path = BUILD) -> list[str]:
    return sorted(p.name for p in build.iterdir() if (p / "app.py").is_file())


def _runtime_sdk(into: Path) -> None:
    site = Path(sysconfig.get_paths()["purelib"])
    for name in RUNTIME_PACKAGES:
        for source in (site / name, site / f"{name}.py"):
            if source.is_dir():
                shutil.copytree(source, into / name, ignore=shutil.ignore_patterns("__pycache__"))
            elif source.is_file():
                shutil.copy2(source, into / source.name)
    subprocess.run([base_python(), "-m", "compileall", "-q", str(into)], check=True)


def _native_for_this_machine(layer: Path) -> list[str]:
    """Swap the layer's arm64 extension modules for this machine's, same package version."""
    if platform.machine() in ("aarch64", "arm64"):
        return []
    site = Path(sysconfig.get_paths()["platlib"])
    swapped = []
    for foreign in layer.rglob("*aarch64-linux-gnu.so"):
        relative = foreign.relative_to(layer)
        local = sorted((site / relative.parent).glob(relative.name.split(".")[0] + ".*.so"))
        if not local:
            raise RuntimeError(f"no build of {relative} for {platform.machine()} in {site}")
        foreign.unlink()
        shutil.copy2(local[0], foreign.parent / local[0].name)
        swapped.append(str(relative))
    return swapped


def _sample(path: list[Path], module: str, env: dict[str, str] = LAMBDA_ENVIRONMENT) -> float:
    answer = subprocess.run(
        [base_python(), "-I", "-S", "-B", "-c", PROBE, ":".join(map(str, path)), module],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if answer.returncode != 0:
        raise RuntimeError(f"import {module} from {path[0]} failed:\n{answer.stderr[-3000:]}")
    return float(answer.stdout.strip().splitlines()[-1])


def layer_size(build: Path = BUILD) -> dict[str, float]:
    """The built layer as Lambda gets it: unzipped files, and the zip SAM would upload."""
    layer = build / "DomainLayer"
    files = [p for p in layer.rglob("*") if p.is_file()]
    with tempfile.TemporaryDirectory() as scratch:
        archive = shutil.make_archive(str(Path(scratch) / "layer"), "zip", layer)
        zipped = Path(archive).stat().st_size
    return {
        "unzipped_mb": round(sum(p.stat().st_size for p in files) / 1e6, 1),
        "zipped_mb": round(zipped / 1e6, 1),
        "files": len(files),
        "pyc_files": sum(1 for p in files if p.suffix == ".pyc"),
    }


def import_ratios(rounds: int = 7, build: Path = BUILD) -> dict[str, Any]:
    names = functions(build)
    with tempfile.TemporaryDirectory(prefix="lambda-like-") as scratch:
        runtime, layer = Path(scratch) / "runtime", Path(scratch) / "opt" / "python"
        runtime.mkdir()
        _runtime_sdk(runtime)
        shutil.copytree(build / "DomainLayer" / "python", layer, symlinks=True)
        swapped = _native_for_this_machine(layer)
        samples: dict[str, list[float]] = {name: [] for name in ["boto3", "traced", *names]}
        for _ in range(rounds):
            samples["boto3"].append(_sample([runtime], "boto3"))
            for name in names:
                samples[name].append(_sample([build / name, layer, runtime], "app"))
                samples["boto3"].append(_sample([runtime], "boto3"))
            traced = [build / TRACED, layer, runtime]
            samples["traced"].append(_sample(traced, "app", TRACING_ON))
    boto3_ms = statistics.median(samples["boto3"]) * 1000
    handlers = {
        name: {
            "import_ms": round(statistics.median(samples[name]) * 1000, 1),
            "ratio": round(statistics.median(samples[name]) * 1000 / boto3_ms, 2),
        }
        for name in names
    }
    traced_ms = statistics.median(samples["traced"]) * 1000
    return {
        "rounds": rounds,
        "import_boto3_ms": round(boto3_ms, 1),
        "handlers": handlers,
        # What parameter Tracing = Active adds to a cold start, in import_boto3_ms.
        "tracing_on": {
            "function": TRACED,
            "import_ms": round(traced_ms, 1),
            "ratio": round(traced_ms / boto3_ms, 2),
        },
        "worst_ratio": max(h["ratio"] for h in handlers.values()),
        "native_modules_swapped_for_this_machine": swapped,
        "load_average": os.getloadavg(),
    }


if __name__ == "__main__":
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    print(json.dumps({"layer": layer_size(), "cold_start": import_ratios(rounds)}, indent=2))
