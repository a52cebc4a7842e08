"""batch_job.py - a batch job that pushes its metrics to a Pushgateway.

A batch job is not running most of the time, so Prometheus cannot scrape it: it
pushes its metrics when it finishes, and Prometheus scrapes the Pushgateway
(with honor_labels: true, to keep the job and instance labels of the push).

Run from cron, every five minutes:
    */5 * * * *  python /opt/batch/batch_job.py
"""
import random
import socket
import time

from prometheus_client import CollectorRegistry, Gauge, push_to_gateway, pushadd_to_gateway

GATEWAY = "pushgateway:9091"
GROUPING = {"instance": socket.gethostname()}


def main():
    # A registry of its own: only these metrics are pushed.
    registry = CollectorRegistry()
    duration = Gauge(
        "batch_job_duration_seconds", "How long the last run took.", registry=registry
    )
    records = Gauge(
        "batch_job_records_processed", "Records the last run processed.", registry=registry
    )
    last_success = Gauge(
        "batch_job_last_success_timestamp_seconds",
        "When the job last succeeded.",
        registry=registry,
    )
    failures = CollectorRegistry()
    last_failure = Gauge(
        "batch_job_last_failure_timestamp_seconds", "When the job last failed.", registry=failures
    )
    try:
        with duration.time():
            records.set(process_records())
        last_success.set_to_current_time()
        # PUT: replaces everything this group pushed before. The gateway adds
        # "push_time_seconds" and "push_failure_time_seconds" to the group.
        push_to_gateway(GATEWAY, job="batch_job", grouping_key=GROUPING, registry=registry)
    except Exception:
        last_failure.set_to_current_time()
        # POST: adds the failure time, keeping the last success from an earlier push.
        pushadd_to_gateway(GATEWAY, job="batch_job", grouping_key=GROUPING, registry=failures)
        raise


def process_records():
    """Reads the day's records from the database and aggregates them."""
    ...
    records = random.randint(8_000, 12_000)
    time.sleep(records * random.uniform(0.0002, 0.0005))  # seconds of database reads
    if random.random() < 0.05:
        raise ConnectionError("lost the connection to the database")
    return records


if __name__ == "__main__":
    main()
