"""random_facts.py - a random-facts API that counts how often it runs.

Run:  pip install flask prometheus-client && python random_facts.py
Metrics: http://localhost:8000/metrics, the API: http://localhost:5000/fact
"""
import random

from flask import Flask, jsonify
from prometheus_client import Counter, start_http_server

app = Flask(__name__)

EXECUTIONS = Counter(
    "random_facts_api_execution_counter", "Times the random facts API was called."
)

FACTS = [
    "Prometheus was the second project to join the CNCF, after Kubernetes.",
    "A counter only goes up; rate() turns it into something useful.",
    "Octopuses have three hearts.",
    "Honey never spoils.",
]


@app.route("/fact")
def fact():
    EXECUTIONS.inc()
    return jsonify({"fact": random.choice(FACTS)})


if __name__ == "__main__":
    start_http_server(8000)
    app.run(host="0.0.0.0", port=5000)
