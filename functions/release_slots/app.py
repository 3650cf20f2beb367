"""Run every hour by EventBridge Scheduler: release the slots that are due by now.

Each location's release time comes from the site configuration; running hourly lets the
configuration alone decide it, and a missed or failed run is made good an hour later.
"""

import time
from typing import Any

from aws_lambda_powertools import Logger, Metrics, single_metric
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from terminbuchung import clock
from terminbuchung.cold_start import init_done
from terminbuchung.config import site_config
from terminbuchung.release import release_slots
from terminbuchung.tracing import lambda_tracer

logger = Logger()
tracer = lambda_tracer()
metrics = Metrics()


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    site = site_config()
    # Stop creating slots with 15 % of the time left (18 s of 120): a round of puts in
    # flight and the rest of the run (the log, the metrics) fit; the next hourly run goes on.
    deadline = time.monotonic() + context.get_remaining_time_in_millis() / 1000 * 0.85
    report = release_slots(site, clock.now(), deadline)
    if report.unfinished:
        logger.warning("release unfinished at its deadline; the next run goes on")
        metrics.add_metric(name="ReleaseUnfinished", unit=MetricUnit.Count, value=1)
    for (location_id, day), count in sorted(report.created.items()):
        logger.info(
            "slots released", extra={"location_id": location_id, "day": str(day), "count": count}
        )
    for location in site.open_locations:
        # Per location, zeros included: an alarm can tell "nothing new" from "not run".
        with single_metric(
            name="SlotsReleased", unit=MetricUnit.Count, value=report.created_at(location.id)
        ) as metric:
            metric.add_dimension(name="location", value=location.id)
    metrics.add_metric(name="SlotCapacityChanged", unit=MetricUnit.Count, value=report.resized)
    logger.info(
        "release finished",
        extra={"slots_created": report.created.total(), "slots_resized": report.resized},
    )
    return {
        "created": report.created.total(),
        "resized": report.resized,
        "by_day": {f"{loc} {day}": n for (loc, day), n in sorted(report.created.items())},
    }


# Everything this module makes is made: the collector runs again (terminbuchung.cold_start).
init_done()
