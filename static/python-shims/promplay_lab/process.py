"""promplay_lab.process - starting and shutting down a process, and running its program.

``kill_all`` shuts the running process down, ``begin`` resets the interpreter's
shared state (prometheus_client's registry, logging, random, the Pushgateway)
and queues the program as the main task; a cron run executes the program again.
``_metrics_kind`` says how the process serves its metrics.
"""

import builtins
import json
import linecache
import logging
import random
import sys
import threading
import types

from .errors import describe_error, report_error
from .output import take_output
from .state import CannotSuspend, ProcessKilled, S
from .tasks import spawn


# ---------------------------------------------------------------------------
# The process: start, run tasks, cron, shutdown.

_baseline = {}


def _prometheus_reset():
    import prometheus_client
    import prometheus_client.metrics as metrics
    import prometheus_client.registry as registry

    reg = _baseline["registry"]
    reg.__init__(auto_describe=True)
    registry.REGISTRY = reg
    prometheus_client.REGISTRY = reg
    metrics.REGISTRY = reg
    for collector in _baseline["collectors"]:
        reg.register(collector)
    metrics._use_created = _baseline["use_created"]
    import promplay_gateway

    promplay_gateway.prepare_process_collector()


def _reset_logging():
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.setLevel(logging.WARNING)
    for logger in list(logging.Logger.manager.loggerDict.values()):
        if isinstance(logger, logging.Logger):
            logger.handlers.clear()
            logger.setLevel(logging.NOTSET)
            logger.propagate = True
            logger.disabled = False
    logging.disable(logging.NOTSET)


def kill_all():
    """Shuts the running process down: every parked task is woken to raise ProcessKilled."""
    S.killing = True
    S.heap = []
    S.killq = []
    for task in sorted(S.tasks.values(), key=lambda t: t.id):
        task.killed = True
        if task.started and task.parked and not task.done:
            S.killq.append(task)
    S.tasks = {t.id: t for t in S.killq}


def begin(request_json):
    """Starts a fresh process (after kill_all and its tasks' unwinding)."""
    req = json.loads(request_json)
    S.killing = False
    S.tasks = {}
    S.heap = []
    S.killq = []
    S.seq = 0
    S.current = None
    S.sync_locals = {}
    S.work = []
    S.work_pos = 0
    S.requests = 0
    S.statuses = {}
    S.errors = []
    S.metrics_app = None
    S.served = None
    S.pushed = False
    S.cron_runs = 0
    S.main_error = None
    S.program = req["program"]
    S.file_name = req.get("file_name") or "<exec>"
    S.seed = int(req.get("seed") or 0)
    S.now_ns = round(float(req.get("start_ms") or 0) * 1e6)
    S.boot_ns = S.now_ns
    S.host = None
    take_output()
    threading._counter = __import__("itertools").count(1).__next__
    random.seed(S.seed)
    _reset_logging()
    _prometheus_reset()
    import promplay_gateway

    promplay_gateway.reset()
    lines = S.program.splitlines(True)
    linecache.cache[S.file_name] = (len(S.program), None, lines, S.file_name)
    S.phase = "start"
    S.code = None
    try:
        S.code = compile(S.program, S.file_name, "exec", dont_inherit=True)
    except SyntaxError as e:
        S.main_error = describe_error(e)
        return
    except (ValueError, OverflowError) as e:  # null bytes, too-deep nesting
        S.main_error = describe_error(e)
        return
    S.main_task = spawn(lambda: _run_main(S.main_task), "MainThread", "main")


def _fresh_main():
    module = types.ModuleType("__main__")
    module.__file__ = S.file_name
    module.__builtins__ = builtins
    module.__loader__ = None
    module.__spec__ = None
    sys.modules["__main__"] = module
    return module


def _run_main(task):
    module = _fresh_main()
    try:
        exec(S.code, module.__dict__)
    except SystemExit as e:
        if e.code not in (None, 0):
            sys.stderr.write(f"{e.code}\n" if not isinstance(e.code, int) else "")
    except (ProcessKilled, CannotSuspend):
        raise
    except BaseException as e:
        if S.phase == "start" and task is S.main_task:
            S.main_error = describe_error(e)
        else:
            report_error(e)


def _run_cron():
    _prometheus_reset()
    S.cron_runs += 1
    module = _fresh_main()
    try:
        exec(S.code, module.__dict__)
    except SystemExit:
        pass
    except (ProcessKilled, CannotSuspend):
        raise
    except BaseException as e:
        report_error(e)


def _metrics_kind():
    if S.metrics_app is not None:
        return "start_http_server"
    if S.served is not None and S.served.has_metrics():
        return "route"
    if S.pushed or _uses_gateway():
        return "pushgateway"
    return None


def _uses_gateway():
    """The program imported push_to_gateway & co (it may push only after a sleep)."""
    import prometheus_client.exposition as exposition

    module = sys.modules.get("__main__")
    pushers = (exposition.push_to_gateway, exposition.pushadd_to_gateway)
    return module is not None and any(
        value is exposition or any(value is p for p in pushers) for value in list(vars(module).values()))
