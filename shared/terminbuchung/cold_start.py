"""A function's cold start without garbage collection while its modules load (issue 14).

A function's imports make a few hundred thousand objects (botocore's service models, the
classes of PynamoDB, Powertools and ours) that all live as long as the Lambda environment.
While they are made, the collector runs about 30 times and walks them, 15-20 ms of every
cold start (tests/bench_cold_start.py). So importing `terminbuchung`, the first of our
packages every function imports, stops the collector, and the function's module, once it
has made everything, calls `init_done()` (http_api.entry_point does so for the API's
functions): what exists then is frozen (gc.freeze: never walked again, so every later
collection is cheaper too) and the collector runs again. tests/unit/test_cold_start_imports.py
fails if a function's module leaves the collector off.

Only in Lambda (LAMBDA_TASK_ROOT set): a test run or the local stack imports modules for
hours, and what it froze would never be freed.
"""

import gc
import os

_IN_LAMBDA = bool(os.environ.get("LAMBDA_TASK_ROOT"))


def pause_collection() -> None:
    if _IN_LAMBDA:
        gc.disable()


def init_done() -> None:
    """The end of a function's module: everything made so far lives as long as it."""
    if _IN_LAMBDA:
        gc.freeze()
        gc.enable()
