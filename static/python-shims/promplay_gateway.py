"""promplay_gateway - the lab's emulated Pushgateway, and the default collectors'
view of the simulated process.

Pushgateway: prometheus_client's ``push_to_gateway`` (PUT), ``pushadd_to_gateway``
(POST) and ``delete_from_gateway`` (DELETE) push to this emulation instead of the
network, whatever the gateway address and handler. The pushed bytes are exactly
what prometheus_client sends (``generate_latest(registry)``); they are parsed with
``prometheus_client.parser`` and kept per group (job + grouping key), as the real
Pushgateway keeps them:

* PUT replaces every metric of the group; POST replaces only the pushed families;
  DELETE removes the group.
* Every pushed sample gets the group's labels (``job`` and the grouping key; an
  empty ``instance`` when the key has none).
* Each group has ``push_time_seconds`` (the virtual time of its last successful
  push) and ``push_failure_time_seconds`` (0: pushes to the emulation do not fail).
* The groups outlive cron runs of the program and end with the process.

Its exposition (what a scrape of the gateway answers) is served by
prometheus_client's own ``make_wsgi_app`` over a registry with one collector that
re-exposes the groups, families sorted by name.

Default collectors: ``process_*`` metrics come from a simulated ``/proc`` of the
lab's host (CPU time and memory follow the virtual clock), and ``python_gc_*``
from a deterministic model of the collector, so two runs of a program give the
same bytes.
"""

import os

import promplay_lab as lab

PUSH_TIME_HELP = "Last Unix time when changing this group in the Pushgateway succeeded."
PUSH_FAILURE_HELP = "Last Unix time when changing this group in the Pushgateway failed."

_groups = {}
_registry = None
_app = None


class _Group:
    def __init__(self, labels):
        self.labels = labels
        self.families = {}
        self.push_time = 0.0
        self.failure_time = 0.0


def reset():
    _groups.clear()


def apply(method, job, grouping_key, data):
    from prometheus_client.parser import text_string_to_metric_families

    labels = {"job": str(job)}
    for key, value in (grouping_key or {}).items():
        labels[str(key)] = str(value)
    labels.setdefault("instance", "")
    key = tuple(sorted(labels.items()))
    if method == "DELETE":
        _groups.pop(key, None)
        return
    families = list(text_string_to_metric_families(data.decode("utf-8")))
    group = _groups.get(key)
    if group is None:
        group = _groups[key] = _Group(labels)
    if method == "PUT":
        group.families = {}
    for family in families:
        group.families[family.name] = family
    group.push_time = lab._v_time()
    lab.S.pushed = True


def _use_gateway(method, gateway, job, registry, grouping_key, timeout, handler, compression=None):
    """prometheus_client.exposition._use_gateway, answered by the emulated Pushgateway."""
    import prometheus_client.exposition as exposition

    data = b""
    if method != "DELETE":
        if registry is None:
            registry = exposition.REGISTRY
        data = exposition.generate_latest(registry)
    elif compression is not None:
        raise ValueError("Compression is not supported for DELETE requests.")
    apply(method, job, grouping_key, data)


class _GatewayCollector:
    def collect(self):
        from prometheus_client.metrics_core import Metric
        from prometheus_client.samples import Sample

        by_name = {}
        for key in sorted(_groups):
            group = _groups[key]
            for name, family in group.families.items():
                if name not in by_name:
                    by_name[name] = Metric(family.name, family.documentation, family.type, family.unit)
                out = by_name[name]
                for s in family.samples:
                    merged = dict(s.labels)
                    merged.update(group.labels)
                    out.samples.append(Sample(s.name, dict(sorted(merged.items())), s.value, s.timestamp, s.exemplar))
        for name, value_of, doc in (
            ("push_failure_time_seconds", lambda g: g.failure_time, PUSH_FAILURE_HELP),
            ("push_time_seconds", lambda g: g.push_time, PUSH_TIME_HELP),
        ):
            if _groups and name not in by_name:
                metric = by_name[name] = Metric(name, doc, "gauge")
                for key in sorted(_groups):
                    group = _groups[key]
                    metric.samples.append(Sample(name, dict(sorted(group.labels.items())), value_of(group), None, None))
        for name in sorted(by_name):
            metric = by_name[name]
            metric.samples.sort(key=lambda s: (s.name, sorted(s.labels.items())))
            yield metric


def wsgi_app():
    return _app


# ---------------------------------------------------------------------------
# The default collectors in the simulated process.

SIMPROC = "/tmp/promplay-proc"


def _write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def _refresh_proc():
    host = lab.host()
    ticks = 100
    cpu = host.process_cpu_seconds()
    utime = int(cpu * 0.8 * ticks)
    stime = int(cpu * 0.2 * ticks)
    start_ticks = int((host.start - host.boot) * ticks)
    rss_pages = host.process_rss() // 4096
    vsize = 420 * 1024**2 + rss_pages * 4096 // 4
    fields = ["S", "1", "1", "1", "0", "-1", "4194560", "3000", "0", "0", "0",
              str(utime), str(stime), "0", "0", "20", "0", str(1 + len(lab.S.tasks)), "0",
              str(start_ticks), str(vsize), str(rss_pages)] + ["0"] * 30
    _write(f"{SIMPROC}/self/stat", "1 (python) " + " ".join(fields) + "\n")


def prepare_process_collector():
    """Points the default ProcessCollector at the simulated /proc of this process."""
    from prometheus_client import process_collector

    host = lab.host()
    _write(f"{SIMPROC}/stat", f"cpu  0 0 0 0 0 0 0 0 0 0\nbtime {host.boot}\n")
    _write(f"{SIMPROC}/self/limits", "Limit                     Soft Limit           Hard Limit           Units\n"
           "Max open files            1048576              1048576              files\n")
    fd = f"{SIMPROC}/self/fd"
    os.makedirs(fd, exist_ok=True)
    for n in range(7):
        _write(f"{fd}/{n}", "")
    collector = process_collector.PROCESS_COLLECTOR
    collector._proc = SIMPROC
    collector._pid = lambda: "self"
    collector._ticks = 100.0
    collector._pagesize = 4096
    collector._btime = host.boot
    _refresh_proc()


def install():
    global _registry, _app
    import prometheus_client
    import prometheus_client.exposition as exposition
    from prometheus_client import gc_collector, process_collector
    from prometheus_client.metrics_core import CounterMetricFamily
    from prometheus_client.registry import CollectorRegistry

    exposition._use_gateway = _use_gateway
    _registry = CollectorRegistry()
    _registry.register(_GatewayCollector())
    _app = exposition.make_wsgi_app(_registry)

    real_collect = process_collector.ProcessCollector.collect

    def collect(self):
        if self._proc == SIMPROC:
            _refresh_proc()
        return real_collect(self)

    process_collector.ProcessCollector.collect = collect

    def gc_collect(self):
        """python_gc_* of the simulated process: a collection model on the virtual clock."""
        t = (lab.S.now_ns - lab.S.boot_ns) / 1e9
        collections = [40 + int(t * 0.9), 3 + int(t * 0.08), int(t * 0.007)]
        collected = [c * 117 for c in collections[:1]] + [c * 412 for c in collections[1:2]] + [c * 1310 for c in collections[2:]]
        objects = CounterMetricFamily('python_gc_objects_collected', 'Objects collected during gc', labels=['generation'])
        uncollectable = CounterMetricFamily('python_gc_objects_uncollectable', 'Uncollectable objects found during GC', labels=['generation'])
        counts = CounterMetricFamily('python_gc_collections', 'Number of times this generation was collected', labels=['generation'])
        for gen in range(3):
            objects.add_metric([str(gen)], collected[gen])
            uncollectable.add_metric([str(gen)], 0)
            counts.add_metric([str(gen)], collections[gen])
        return [objects, uncollectable, counts]

    gc_collector.GCCollector.collect = gc_collect
    del prometheus_client
