"""promplay_lab.scheduler - what the worker calls to run a process forward in time.

``step`` picks what runs next (a queued task, or the page's next request or
cron run, in virtual-time order), ``run_task`` runs a task on the stack the
worker gave it, ``set_work`` queues the page's work for an advance, and
``finish_start``/``finish_advance`` build the replies.
"""

import heapq
import json
import sys

from .errors import report_error
from .output import take_output
from .process import _metrics_kind, _run_cron
from .serving import served_for
from .state import MAX_ERRORS, NO_JSPI, CannotSuspend, ProcessKilled, S, Task
from .tasks import _new_id, wake


def run_task(tid):
    """Runs a task on the stack the worker gave it (pyFunc.callPromising)."""
    task = S.tasks.get(tid)
    if task is None or task.killed:
        return
    S.current = task
    try:
        task.fn()
    except ProcessKilled:
        pass
    except CannotSuspend as e:
        if S.phase == "start":
            S.main_error = {"error": NO_JSPI, "traceback": str(e)}
        elif len(S.errors) < MAX_ERRORS:
            S.errors.append({"error": NO_JSPI, "traceback": str(e)})
    except BaseException as e:  # the lab's own failure: report it as a program error
        report_error(e)
    finally:
        task.done = True
        task.parked = False
        S.tasks.pop(task.id, None)
        for waiter in task.waiters:
            wake(waiter)
        task.waiters = []
        if S.current is task:
            S.current = None


def step(to_ms):
    """What the worker does next: 0 nothing (the clock is at `to_ms`), `id` > 0 resume
    the parked task `id`, `-id` start task `id` on a fresh stack."""
    S.current = None
    if S.killq:
        task = S.killq.pop(0)
        S.current = task
        return task.id
    if S.killing:
        return 0
    to_ns = round(float(to_ms) * 1e6)
    heap = S.heap
    while True:
        while heap and (heap[0][2] != heap[0][3].token or heap[0][3].done):
            heapq.heappop(heap)
        head = heap[0] if heap else None
        work = S.work[S.work_pos] if S.work_pos < len(S.work) else None
        if head is not None and head[0] <= to_ns and (work is None or head[0] <= work[0]):
            heapq.heappop(heap)
            task = head[3]
            if head[0] > S.now_ns:
                S.now_ns = head[0]
            S.current = task
            if not task.started:
                task.started = True
                return -task.id
            return task.id
        if work is not None and work[0] <= to_ns:
            S.work_pos += 1
            if work[0] > S.now_ns:
                S.now_ns = work[0]
            task = _work_task(work[1])
            if task is None:
                continue
            task.started = True
            S.current = task
            return -task.id
        if to_ns > S.now_ns:
            S.now_ns = to_ns
        return 0


def _work_task(item):
    kind = item.get("kind")
    if kind == "cron":
        if S.code is None:
            return None
        task = Task(_new_id(), f"cron-{S.cron_runs + 1}", _run_cron, "cron")
    elif kind == "request":
        slow = item.get("slow")
        slow = 1.0 if slow is None else max(0.0, float(slow))
        task = Task(_new_id(), "request", lambda: _serve(item), "request", slow)
    else:
        return None
    S.tasks[task.id] = task
    return task


def _serve(item):
    served = S.served
    if served is None:
        status = 0  # nothing listens: the connection is refused
    else:
        try:
            status = served.request(
                item.get("method") or "GET", item.get("path") or "/", bool(item.get("fault")),
                item.get("body"), item.get("headers") or {})
        except Exception as e:  # the app itself raised: the server answers 500
            report_error(e, "Error on request:")
            status = 500
    S.requests += 1
    key = str(status)
    S.statuses[key] = S.statuses.get(key, 0) + 1


def set_work(work_json):
    items = json.loads(work_json)
    S.work = sorted(
        ((round(float(w["at_ms"]) * 1e6), w) for w in items), key=lambda pair: pair[0])
    S.work_pos = 0
    S.requests = 0
    S.statuses = {}
    S.phase = "advance"


def _find_app():
    """An app the program made but never ran (as `flask run` would find it)."""
    module = sys.modules.get("__main__")
    if module is None:
        return
    candidates = [module.__dict__.get("app")] + list(module.__dict__.values())
    for value in candidates:
        served = served_for(value)
        if served is not None:
            S.served = served
            return


def finish_start():
    S.phase = "running"
    output = take_output()
    if S.main_error is not None:
        return json.dumps({"ok": False, **S.main_error, "output": output})
    if S.served is None:
        _find_app()
    routes = S.served.routes() if S.served is not None else []
    return json.dumps({"ok": True, "routes": routes, "metrics": _metrics_kind(), "output": output})


def finish_advance():
    S.phase = "running"
    errors = S.errors[:MAX_ERRORS]
    S.errors = []
    return json.dumps({
        "ok": True, "requests": S.requests, "statuses": S.statuses, "errors": errors,
        "metrics": _metrics_kind(), "output": take_output()})
