"""The functions' tracer: X-Ray only when the stack traces (template parameter Tracing).

Powertools' Tracer imports the X-Ray SDK and builds its recorder even when tracing is off,
because the recorder is its default provider: about 0.45x `import boto3` on every cold
start (make benchmark). With tracing off (POWERTOOLS_TRACE_DISABLED, as the template sets
it unless Tracing=Active) it gets a provider that records nothing, and the SDK's recorder
is never imported. With tracing on, nothing changes.
"""

import numbers
import os
from collections.abc import AsyncGenerator, Generator, Sequence
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from aws_lambda_powertools import Tracer
from aws_lambda_powertools.shared.functions import resolve_truthy_env_var_choice
from aws_lambda_powertools.tracing.base import BaseProvider, BaseSegment


def lambda_tracer() -> Tracer:
    """The tracer of one function, for Powertools' decorators (capture_lambda_handler)."""
    if tracing_off():
        return Tracer(disabled=True, provider=_NoTrace())
    return Tracer()


def tracing_off() -> bool:
    # Powertools' own reading of the variable, so both agree on "true", "1", "yes" ...
    return bool(resolve_truthy_env_var_choice(env=os.getenv("POWERTOOLS_TRACE_DISABLED", "false")))


class _NoSegment(BaseSegment):
    def close(self, end_time: int | None = None) -> None:
        pass

    def add_subsegment(self, subsegment: Any) -> None:
        pass

    def remove_subsegment(self, subsegment: Any) -> None:
        pass

    def put_annotation(self, key: str, value: str | numbers.Number | bool) -> None:
        pass

    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None:
        pass

    def add_exception(self, exception: BaseException, stack: Any, remote: bool = False) -> None:
        pass


class _NoTrace(BaseProvider):
    @contextmanager
    def in_subsegment(self, name: Any = None, **kwargs: Any) -> Generator[BaseSegment]:
        yield _NoSegment()

    @asynccontextmanager
    async def in_subsegment_async(
        self, name: Any = None, **kwargs: Any
    ) -> AsyncGenerator[BaseSegment]:
        yield _NoSegment()

    def put_annotation(self, key: str, value: str | numbers.Number | bool) -> None:
        pass

    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None:
        pass

    def patch(self, modules: Sequence[str]) -> None:
        pass

    def patch_all(self) -> None:
        pass
