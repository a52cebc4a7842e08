"""worker.py - the prometheus_client README example: a worker timed by a Summary.

Run:  pip install prometheus-client && python worker.py
Metrics: http://localhost:8000/metrics
"""
import random
import time

from prometheus_client import Summary, start_http_server

# A summary to track the time spent and the requests made.
REQUEST_TIME = Summary("request_processing_seconds", "Time spent processing request")


# Decorate the function with the metric.
@REQUEST_TIME.time()
def process_request(t):
    """A dummy function that takes some time."""
    time.sleep(t)


if __name__ == "__main__":
    # Start up the server to expose the metrics.
    start_http_server(8000)
    # Generate some requests.
    while True:
        process_request(random.random())
