"""promplay_lab - the Python lab's process model: a virtual clock, a deterministic
scheduler of cooperative tasks, and the emulated servers a program talks to.

The lab runs a real program with the real prometheus_client inside CPython
(pyodide) in a Web Worker. There are no OS threads, sockets or wall clock there,
so this module supplies them:

* Virtual time. ``time.time``/``time_ns`` (Unix time, starting at the page's
  virtual clock), ``time.monotonic(_ns)``, ``time.perf_counter(_ns)`` (virtual
  seconds since the process started), ``time.process_time``,
  ``timeit.default_timer``, ``time.localtime/gmtime/ctime/strftime`` and
  ``datetime.datetime.now/utcnow/today`` and ``datetime.date.today`` all read the
  virtual clock. Code that does not sleep takes no virtual time at all: a busy
  loop measured with ``time.perf_counter()`` measures 0 s. Only ``time.sleep``
  (and ``asyncio.sleep``, ``Event.wait``, ``Thread.join`` with a timeout) moves a
  task forward in time.
* Tasks. The main program, every started ``threading.Thread`` (and
  ``threading.Timer``), every HTTP request and every cron run is a task with a
  stack of its own (WebAssembly JSPI). Exactly one runs at a time; a task runs
  until it sleeps, waits or ends, then the scheduler wakes the next one in
  virtual-time order (ties: in the order they went to sleep). Everything is
  therefore deterministic: the same program, seed and traffic give the same
  bytes. ``threading.Event`` (set/clear/wait with timeout), ``Thread.join``,
  ``Thread.is_alive`` and ``threading.current_thread`` follow the virtual clock.
  Not supported: ``Lock``/``Condition``/``queue.Queue`` waiting for another task
  (a lock held across a sleep and wanted by another task hangs the program), and
  ``multiprocessing``.
* ``random`` is seeded per process (the page's seed); ``socket.gethostname()``
  answers "python-lab"; ``os.urandom`` and ``uuid.uuid4`` stay random.
* Servers. ``prometheus_client.start_http_server``/``start_wsgi_server`` register
  prometheus_client's own ``make_wsgi_app``; Flask's ``app.run``, ``uvicorn.run``,
  ``http.server.HTTPServer(...).serve_forever()`` and
  ``wsgiref.simple_server.make_server(...).serve_forever()`` register the app the
  page's traffic is sent to, and block for ever. ``push_to_gateway``,
  ``pushadd_to_gateway`` and ``delete_from_gateway`` talk to an emulated
  Pushgateway (see promplay_gateway).

The worker (python-worker.mjs) drives this module: ``begin`` starts a process,
``step`` picks what runs next, ``run_task`` runs a task on a fresh stack.
"""

import builtins
import datetime as _datetime
import heapq
import io
import json
import linecache
import logging
import math
import os
import random
import socket
import sys
import threading
import time
import timeit
import traceback
import types

SHIM_DIR = os.path.dirname(os.path.abspath(__file__))
OUTPUT_LIMIT = 8192
MAX_ERRORS = 5
# How often a killed task may swallow the exception that ends it before it is abandoned.
KILL_RETRIES = 50
HOSTNAME = "python-lab"


class ProcessKilled(BaseException):
    """Raised in a task's sleep when its process is shut down (so `finally` blocks run)."""


class CannotSuspend(BaseException):
    """time.sleep in a browser without WebAssembly JSPI."""


NO_JSPI = (
    "this browser cannot suspend Python (WebAssembly JSPI): programs that call "
    "time.sleep cannot run; try Chromium 137 or later"
)
NO_TASK = (
    "time.sleep() cannot wait here: this code runs while a scrape is answered (a "
    "collector or the /metrics handler), where no virtual time can pass"
)


# ---------------------------------------------------------------------------
# Output: stdout and stderr of the program, collected for the next reply.


class _Output(io.TextIOBase):
    def __init__(self, name):
        self.name = name
        self._parts = _OUT

    def write(self, s):
        if not isinstance(s, str):
            raise TypeError(f"write() argument must be str, not {type(s).__name__}")
        _OUT.append(s)
        _OUT_SIZE[0] += len(s)
        if _OUT_SIZE[0] > 16 * OUTPUT_LIMIT:
            text = "".join(_OUT)[-OUTPUT_LIMIT:]
            _OUT.clear()
            _OUT.append(text)
            _OUT_SIZE[0] = len(text)
        return len(s)

    def writable(self):
        return True

    def isatty(self):
        return False

    def flush(self):
        pass

    @property
    def encoding(self):
        return "utf-8"

    def fileno(self):
        raise io.UnsupportedOperation("fileno")


_OUT = []
_OUT_SIZE = [0]


def take_output():
    text = "".join(_OUT)[-OUTPUT_LIMIT:]
    _OUT.clear()
    _OUT_SIZE[0] = 0
    return text


# ---------------------------------------------------------------------------
# State of the current process.


class Task:
    __slots__ = (
        "id", "name", "fn", "kind", "slow", "started", "done", "parked", "killed",
        "kill_count", "token", "waiters", "thread", "locals", "error",
    )

    def __init__(self, tid, name, fn, kind, slow=1.0, thread=None):
        self.id = tid
        self.name = name
        self.fn = fn
        self.kind = kind
        self.slow = slow
        self.started = False
        self.done = False
        self.parked = False
        self.killed = False
        self.kill_count = 0
        self.token = 0
        self.waiters = []
        self.thread = thread
        self.locals = {}
        self.error = None


class _State:
    def __init__(self):
        self.bridge = None
        self.now_ns = 0
        self.boot_ns = 0
        self.seed = 0
        self.file_name = "<exec>"
        self.program = ""
        self.code = None
        self.tasks = {}
        self.heap = []
        self.seq = 0
        self.next_id = 1
        self.current = None
        self.sync_locals = {}
        self.killq = []
        self.killing = False
        self.work = []
        self.work_pos = 0
        self.requests = 0
        self.statuses = {}
        self.errors = []
        self.phase = "idle"
        self.main_task = None
        self.main_error = None
        self.metrics_app = None
        self.served = None
        self.pushed = False
        self.cron_runs = 0
        self.host = None
        self.rng_host = None


S = _State()


def _new_id():
    tid = S.next_id
    S.next_id += 1
    return tid


def _schedule(task, at_ns):
    """(Re)queues a task to run at `at_ns` (after everything already queued for that time)."""
    task.token += 1
    S.seq += 1
    heapq.heappush(S.heap, (at_ns, S.seq, task.token, task))


def spawn(fn, name, kind="thread", slow=1.0, thread=None, at_ns=None):
    task = Task(_new_id(), name, fn, kind, slow, thread)
    if S.killing:
        task.killed = True
        return task
    S.tasks[task.id] = task
    _schedule(task, S.now_ns if at_ns is None else at_ns)
    return task


def current_task():
    return S.current


def context():
    """A dict private to the running task (request contexts of the web shims)."""
    task = S.current
    return task.locals if task is not None else S.sync_locals


def can_suspend():
    try:
        from pyodide.ffi import can_run_sync
    except ImportError:  # not in pyodide: a plain interpreter (for the shims' own tests)
        return False
    return can_run_sync()


def block(until_ns):
    """Suspends the running task until `until_ns` (None: until woken) on the virtual clock."""
    task = S.current
    if task is None:
        raise RuntimeError(NO_TASK)
    if task.killed:
        task.kill_count += 1
        if task.kill_count > KILL_RETRIES:
            _park_forever(task)
        raise ProcessKilled()
    if not can_suspend():
        raise CannotSuspend(NO_JSPI)
    if until_ns is not None:
        _schedule(task, max(until_ns, S.now_ns))
    else:
        task.token += 1
    task.parked = True
    from pyodide.ffi import run_sync

    run_sync(S.bridge.park(task.id))
    task.parked = False
    S.current = task
    if task.killed:
        task.kill_count += 1
        raise ProcessKilled()


def _park_forever(task):
    """A task that keeps catching ProcessKilled: its stack is abandoned, never resumed."""
    from pyodide.ffi import run_sync

    task.token += 1
    S.tasks.pop(task.id, None)
    run_sync(S.bridge.park(-task.id))


def wake(task):
    """Makes a task blocked in `block` runnable now (Event.set, a joined thread's end)."""
    if task.parked and not task.done:
        _schedule(task, S.now_ns)


def sleep(seconds):
    """time.sleep on the virtual clock; scaled by the running request's `slow` factor."""
    if not isinstance(seconds, (int, float)):
        try:
            seconds = float(seconds)
        except (TypeError, ValueError):
            raise TypeError(f"'{type(seconds).__name__}' object cannot be interpreted as an integer or float") from None
    if seconds != seconds:
        raise ValueError("Invalid value NaN (not a number)")
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    task = S.current
    factor = task.slow if task is not None else 1.0
    if seconds == math.inf:
        block(None)
        return
    block(S.now_ns + round(seconds * factor * 1e9))


def block_forever():
    """app.run, serve_forever, uvicorn.run: the task waits until the process ends."""
    if S.current is None:
        raise RuntimeError("the server cannot block here")
    while True:
        block(None)


# ---------------------------------------------------------------------------
# The virtual clock.

_real_time = {name: getattr(time, name) for name in (
    "time", "time_ns", "monotonic", "monotonic_ns", "perf_counter", "perf_counter_ns",
    "process_time", "process_time_ns", "sleep", "localtime", "gmtime", "ctime", "asctime",
    "strftime")}


def _v_time():
    # Whole seconds plus the fraction: exact to the float's precision (now_ns / 1e9
    # would round the 19-digit integer first: 1700000000.2499998 for .25).
    return S.now_ns // 1_000_000_000 + (S.now_ns % 1_000_000_000) / 1e9


def _v_time_ns():
    return S.now_ns


def _v_mono():
    return (S.now_ns - S.boot_ns) / 1e9


def _v_mono_ns():
    return S.now_ns - S.boot_ns


def _v_process_time():
    return host().process_cpu_seconds()


def _v_process_time_ns():
    return int(host().process_cpu_seconds() * 1e9)


def _v_localtime(secs=None):
    return _real_time["localtime"](_v_time() if secs is None else secs)


def _v_gmtime(secs=None):
    return _real_time["gmtime"](_v_time() if secs is None else secs)


def _v_ctime(secs=None):
    return _real_time["ctime"](_v_time() if secs is None else secs)


def _v_asctime(t=None):
    return _real_time["asctime"](_v_localtime() if t is None else t)


def _v_strftime(fmt, t=None):
    return _real_time["strftime"](fmt, _v_localtime() if t is None else t)


class _datetime_cls(_datetime.datetime):
    @classmethod
    def now(cls, tz=None):
        return cls.fromtimestamp(_v_time(), tz)

    @classmethod
    def utcnow(cls):
        return cls.fromtimestamp(_v_time(), _datetime.timezone.utc).replace(tzinfo=None)

    @classmethod
    def today(cls):
        return cls.fromtimestamp(_v_time())


class _date_cls(_datetime.date):
    @classmethod
    def today(cls):
        return cls.fromtimestamp(_v_time())


_datetime_cls.__name__ = _datetime_cls.__qualname__ = "datetime"
_date_cls.__name__ = _date_cls.__qualname__ = "date"
_datetime_cls.__module__ = _date_cls.__module__ = "datetime"


def _install_clock():
    time.time = _v_time
    time.time_ns = _v_time_ns
    time.monotonic = _v_mono
    time.monotonic_ns = _v_mono_ns
    time.perf_counter = _v_mono
    time.perf_counter_ns = _v_mono_ns
    time.process_time = _v_process_time
    time.process_time_ns = _v_process_time_ns
    time.sleep = sleep
    time.localtime = _v_localtime
    time.gmtime = _v_gmtime
    time.ctime = _v_ctime
    time.asctime = _v_asctime
    time.strftime = _v_strftime
    timeit.default_timer = _v_mono
    _datetime.datetime = _datetime_cls
    _datetime.date = _date_cls
    socket.gethostname = lambda: HOSTNAME
    import asyncio

    asyncio.sleep = _async_sleep
    asyncio.run = _async_run
    asyncio.gather = _async_gather


async def _async_sleep(delay, result=None):
    sleep(delay)
    return result


def run_coroutine(coro):
    """Runs a coroutine to its end on the running task: its awaits of asyncio.sleep
    are virtual sleeps of the task; awaiting anything else real is not supported."""
    try:
        while True:
            yielded = coro.send(None)
            coro.throw(RuntimeError(
                f"the Python lab cannot await {yielded!r}: only asyncio.sleep and coroutines run here"))
    except StopIteration as stop:
        return stop.value


def _async_run(main, *, debug=None, loop_factory=None):
    return run_coroutine(main)


async def _async_gather(*aws, return_exceptions=False):
    results = []
    for aw in aws:
        try:
            results.append(await aw)
        except Exception as e:
            if not return_exceptions:
                raise
            results.append(e)
    return results


# ---------------------------------------------------------------------------
# threading on the scheduler.

_real_current_thread = threading.current_thread


class Event:
    """threading.Event on the virtual clock."""

    def __init__(self):
        self._flag = False
        self._waiters = []

    def __repr__(self):
        return f"<threading.Event at {id(self):#x}: {'set' if self._flag else 'unset'}>"

    def is_set(self):
        return self._flag

    isSet = is_set

    def set(self):
        self._flag = True
        waiters, self._waiters = self._waiters, []
        for task in waiters:
            wake(task)

    def clear(self):
        self._flag = False

    def _at_fork_reinit(self):
        self._flag = False
        self._waiters = []

    def wait(self, timeout=None):
        if self._flag:
            return True
        if timeout is not None and timeout <= 0:
            return False
        task = S.current
        if task is None:
            raise RuntimeError(NO_TASK.replace("time.sleep()", "Event.wait()"))
        self._waiters.append(task)
        try:
            block(None if timeout is None else S.now_ns + round(timeout * 1e9))
        finally:
            if task in self._waiters:
                self._waiters.remove(task)
        return self._flag


def _thread_start(self):
    if not self._initialized:
        raise RuntimeError("thread.__init__() not called")
    if getattr(self, "_lab_task", None) is not None:
        raise RuntimeError("threads can only be started once")
    task = spawn(lambda: _thread_body(self), self.name, "thread", thread=self)
    self._lab_task = task
    self._ident = 1000 + task.id
    try:
        self._native_id = 1000 + task.id
    except AttributeError:
        pass
    self._started.set()


def _thread_body(thread):
    try:
        thread.run()
    except SystemExit:
        pass
    except (ProcessKilled, CannotSuspend):
        raise
    except BaseException as e:
        report_error(e, f"Exception in thread {thread.name}:")
    finally:
        try:
            del thread._target, thread._args, thread._kwargs
        except AttributeError:
            pass


def _thread_is_alive(self):
    task = getattr(self, "_lab_task", None)
    return task is not None and not task.done


def _thread_join(self, timeout=None):
    if not self._initialized:
        raise RuntimeError("Thread.__init__() not called")
    task = getattr(self, "_lab_task", None)
    if task is None:
        raise RuntimeError("cannot join thread before it is started")
    if task is S.current:
        raise RuntimeError("cannot join current thread")
    if task.done:
        return
    if timeout is not None and timeout <= 0:
        return
    me = S.current
    if me is None:
        raise RuntimeError(NO_TASK.replace("time.sleep()", "Thread.join()"))
    task.waiters.append(me)
    try:
        block(None if timeout is None else S.now_ns + round(timeout * 1e9))
    finally:
        if me in task.waiters:
            task.waiters.remove(me)


def _current_thread():
    task = S.current
    if task is not None and task.thread is not None:
        return task.thread
    return _real_current_thread()


def _active_count():
    return 1 + sum(1 for t in S.tasks.values() if t.kind == "thread" and not t.done)


def _enumerate():
    return [_real_current_thread()] + [t.thread for t in S.tasks.values() if t.thread is not None and not t.done]


def _install_threading():
    threading.Event = Event
    threading.Thread.start = _thread_start
    threading.Thread.is_alive = _thread_is_alive
    threading.Thread.join = _thread_join
    threading.current_thread = _current_thread
    threading.currentThread = _current_thread
    threading.active_count = _active_count
    threading.activeCount = _active_count
    threading.enumerate = _enumerate


# ---------------------------------------------------------------------------
# Errors.


class _ErrorInfo:
    pass


def _user_tb(tb):
    """The traceback without the lab's own frames at its top (none at all when
    every frame is the lab's, as for a SyntaxError raised by compiling the program:
    Python then shows only the file, line and caret)."""
    while tb is not None and tb.tb_frame.f_code.co_filename.startswith(SHIM_DIR):
        tb = tb.tb_next
    return tb


def describe_error(e):
    """{error, traceback, line?} of an exception, as the protocol reports it."""
    tb = _user_tb(e.__traceback__)
    text = "".join(traceback.format_exception(type(e), e, tb))
    last = traceback.format_exception_only(type(e), e)[-1].strip()
    info = {"error": last, "traceback": text}
    line = None
    if isinstance(e, SyntaxError) and e.filename == S.file_name and e.lineno:
        line = e.lineno
    else:
        for frame, lineno in traceback.walk_tb(tb):
            if frame.f_code.co_filename == S.file_name:
                line = lineno
    if line is not None:
        info["line"] = line
    return info


def report_error(e, heading=None):
    """An uncaught exception of a thread, cron run or the main program: printed to
    stderr (as Python prints it) and kept for the next reply."""
    info = describe_error(e)
    if heading:
        sys.stderr.write(heading + "\n")
    sys.stderr.write(info["traceback"])
    if len(S.errors) < MAX_ERRORS:  # the rest are in the output
        S.errors.append(info)
    return info


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


# ---------------------------------------------------------------------------
# Emulated HTTP: requests to the served app, and scrapes.

TRAFFIC_HEADERS = {"Host": "localhost", "User-Agent": "promplay-traffic/1.0", "Accept": "*/*"}
SCRAPE_ACCEPT = {
    "openmetrics": "application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
    "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
    "text": "text/plain;version=0.0.4;q=1,*/*;q=0.1",
}
SCRAPE_HEADERS = {"Host": "localhost", "User-Agent": "Prometheus/3.5.0"}
_client_port = [40000]


def _request_body(method, body, headers):
    if body is None:
        if method in ("POST", "PUT", "PATCH"):
            body = "{}"
            headers.setdefault("Content-Type", "application/json")
        else:
            body = ""
    if isinstance(body, str):
        body = body.encode()
    if body:
        headers["Content-Length"] = str(len(body))
    return body


def _client():
    _client_port[0] = 40000 + (_client_port[0] - 39999) % 20000
    return ("127.0.0.1", _client_port[0])


class WsgiServed:
    """A WSGI app served by the program (Flask's app.run, wsgiref's make_server)."""

    def __init__(self, app, host="0.0.0.0", port=5000):
        self.app = app
        self.host = host
        self.port = port

    def environ(self, method, path, fault, body, headers):
        from urllib.parse import unquote

        path, _, query = path.partition("?")
        headers = {**TRAFFIC_HEADERS, **headers}
        body = _request_body(method, body, headers)
        client = _client()
        environ = {
            "REQUEST_METHOD": method.upper(),
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote(path, "latin-1") or "/",
            "QUERY_STRING": query,
            "SERVER_NAME": "localhost",
            "SERVER_PORT": str(self.port),
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": client[0],
            "REMOTE_PORT": str(client[1]),
            "REQUEST_URI": path + ("?" + query if query else ""),
            "RAW_URI": path + ("?" + query if query else ""),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "promplay.fault": fault,
        }
        for name, value in headers.items():
            key = name.upper().replace("-", "_")
            if key == "CONTENT_TYPE":
                environ["CONTENT_TYPE"] = value
            elif key == "CONTENT_LENGTH":
                environ["CONTENT_LENGTH"] = value
            else:
                environ["HTTP_" + key] = value
        return environ

    def call(self, method, path, fault=False, body=None, headers=None):
        environ = self.environ(method, path, fault, body, dict(headers or {}))
        return call_wsgi(self.app, environ)

    def request(self, method, path, fault, body, headers):
        return self.call(method, path, fault, body, headers)[0]

    def routes(self):
        routes = getattr(self.app, "promplay_routes", None)
        if routes is not None:
            return routes()
        return [{"method": "GET", "path": "*"}]

    def has_metrics(self):
        probe = getattr(self.app, "promplay_has_metrics", None)
        return probe() if probe is not None else True


def call_wsgi(app, environ):
    """Calls a WSGI app as a server would: (status, headers, body bytes)."""
    started = {}

    def start_response(status, headers, exc_info=None):
        if exc_info and started:
            raise exc_info[1].with_traceback(exc_info[2])
        started["status"] = status
        started["headers"] = list(headers)
        return lambda data: chunks.append(data)

    chunks = []
    result = app(environ, start_response)
    try:
        for chunk in result:
            chunks.append(chunk)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    status = int(str(started.get("status", "500")).split(" ", 1)[0])
    return status, started.get("headers", []), b"".join(
        c.encode("latin-1") if isinstance(c, str) else bytes(c) for c in chunks)


class AsgiServed:
    """An ASGI app served by the program (uvicorn.run)."""

    def __init__(self, app, host="127.0.0.1", port=8000):
        self.app = app
        self.host = host
        self.port = port

    def call(self, method, path, fault=False, body=None, headers=None):
        path, _, query = path.partition("?")
        from urllib.parse import unquote

        headers = {**TRAFFIC_HEADERS, **dict(headers or {})}
        body = _request_body(method.upper(), body, headers)
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": method.upper(),
            "scheme": "http",
            "path": unquote(path) or "/",
            "raw_path": path.encode(),
            "query_string": query.encode(),
            "root_path": "",
            "headers": [(k.lower().encode("latin-1"), str(v).encode("latin-1")) for k, v in headers.items()],
            "client": _client(),
            "server": ("127.0.0.1", self.port),
            "promplay.fault": fault,
        }
        sent = []
        received = [False]

        async def receive():
            if received[0]:
                return {"type": "http.disconnect"}
            received[0] = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message):
            sent.append(message)

        run_coroutine(self.app(scope, receive, send))
        status = 500
        out_headers = []
        chunks = []
        for message in sent:
            if message["type"] == "http.response.start":
                status = int(message["status"])
                out_headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in message.get("headers", [])]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
        return status, out_headers, b"".join(chunks)

    def request(self, method, path, fault, body, headers):
        return self.call(method, path, fault, body, headers)[0]

    def routes(self):
        routes = getattr(self.app, "promplay_routes", None)
        return routes() if routes is not None else [{"method": "GET", "path": "*"}]

    def has_metrics(self):
        probe = getattr(self.app, "promplay_has_metrics", None)
        return probe() if probe is not None else True


def served_for(app):
    """The Served wrapper of a Flask/FastAPI app object (None for anything else)."""
    kind = getattr(app, "promplay_kind", None)
    if kind == "wsgi":
        return WsgiServed(app)
    if kind == "asgi":
        return AsgiServed(app)
    return None


def serve_wsgi(app, host="0.0.0.0", port=5000):
    S.served = WsgiServed(app, host, port)


def serve_asgi(app, host="127.0.0.1", port=8000):
    S.served = AsgiServed(app, host, port)


def _header(headers, name):
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def scrape(fmt):
    """A scrape at the current virtual time, as Prometheus makes it."""
    S.current = None
    accept = SCRAPE_ACCEPT.get(fmt, SCRAPE_ACCEPT["text"])
    headers = {**SCRAPE_HEADERS, "Accept": accept}
    try:
        if S.metrics_app is not None:
            target = WsgiServed(S.metrics_app)
        elif S.served is not None and S.served.has_metrics():
            target = S.served
        elif S.pushed or _uses_gateway():
            import promplay_gateway

            target = WsgiServed(promplay_gateway.wsgi_app())
        else:
            return json.dumps({
                "ok": False,
                "error": "the program serves no metrics: call start_http_server(8000) or add a /metrics route",
                "output": take_output()})
        path = "/metrics"
        for _ in range(5):
            status, out_headers, body = target.call("GET", path, headers=dict(headers))
            location = _header(out_headers, "location")
            if status in (301, 302, 303, 307, 308) and location:
                from urllib.parse import urlsplit

                parts = urlsplit(location)
                path = parts.path + ("?" + parts.query if parts.query else "")
                continue
            break
    except Exception as e:
        return json.dumps({"ok": False, **describe_error(e), "output": take_output()})
    finally:
        S.current = None
    encoding = _header(out_headers, "content-encoding")
    if encoding == "gzip":
        import gzip

        body = gzip.decompress(body)
    return json.dumps({
        "ok": True, "status": status, "content_type": _header(out_headers, "content-type") or "",
        "text": body.decode("utf-8", "replace"), "output": take_output()})


# ---------------------------------------------------------------------------
# prometheus_client's servers and http.server.


class _DummyServer:
    """What start_http_server returns: the server is the lab's (shutdown does nothing)."""

    def __init__(self, addr, port):
        self.server_address = (addr, port)
        self.server_port = port

    def shutdown(self):
        pass

    def server_close(self):
        pass

    def serve_forever(self, poll_interval=0.5):
        block_forever()


class _DummyThread:
    daemon = True
    name = "prometheus-http-server"

    def is_alive(self):
        return True

    def join(self, timeout=None):
        if timeout is None:
            block_forever()
        sleep(timeout)


def _install_prometheus():
    import prometheus_client
    import prometheus_client.exposition as exposition
    import prometheus_client.registry as registry

    reg = registry.REGISTRY

    def start_wsgi_server(port, addr="0.0.0.0", registry=reg, certfile=None, keyfile=None,
                          client_cafile=None, client_capath=None, protocol=None,
                          client_auth_required=False, tls_min_version=None, tls_max_version=None):
        """Serves prometheus_client's make_wsgi_app(registry) (in the lab: to the page's scrapes)."""
        S.metrics_app = exposition.make_wsgi_app(registry)
        return _DummyServer(addr, port), _DummyThread()

    start_wsgi_server.__module__ = "prometheus_client.exposition"
    exposition.start_wsgi_server = start_wsgi_server
    exposition.start_http_server = start_wsgi_server
    prometheus_client.start_wsgi_server = start_wsgi_server
    prometheus_client.start_http_server = start_wsgi_server
    _baseline["registry"] = reg
    _baseline["collectors"] = list(reg._collector_to_names)
    import prometheus_client.metrics as metrics

    _baseline["use_created"] = metrics._use_created
    import promplay_gateway

    promplay_gateway.install()


class _FakeSocket:
    """A connection for BaseHTTPRequestHandler: reads the request, collects the reply."""

    def __init__(self, data):
        self._in = data
        self.out = bytearray()

    def makefile(self, mode="r", buffering=None, **kwargs):
        if "r" in mode:
            return io.BytesIO(self._in)
        return _SocketWriter(self)

    def sendall(self, data):
        self.out += data

    def send(self, data):
        self.out += data
        return len(data)

    def settimeout(self, t):
        pass

    def setsockopt(self, *args):
        pass

    def getpeername(self):
        return ("127.0.0.1", 0)

    def shutdown(self, how):
        pass

    def close(self):
        pass

    def fileno(self):
        return -1


class _SocketWriter(io.BufferedIOBase):
    def __init__(self, sock):
        self._sock = sock

    def writable(self):
        return True

    def write(self, b):
        self._sock.sendall(bytes(b))
        return len(b)

    def flush(self):
        pass


def _simulated_failure(self):
    raise RuntimeError("simulated failure")


class HttpServerServed:
    """An http.server.HTTPServer (serve_forever) and its handler class."""

    def __init__(self, server):
        self.server = server
        self._faulty = None

    def _handler(self, fault):
        handler = self.server.RequestHandlerClass
        if not fault:
            return handler
        if self._faulty is None:
            methods = {name: _simulated_failure for name in dir(handler) if name.startswith("do_")}
            self._faulty = type(handler.__name__, (handler,), methods)
        return self._faulty

    def call(self, method, path, fault=False, body=None, headers=None):
        headers = {**TRAFFIC_HEADERS, **dict(headers or {}), "Connection": "close"}
        body = _request_body(method.upper(), body, headers)
        head = f"{method.upper()} {path} HTTP/1.1\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        sock = _FakeSocket(head.encode("latin-1") + body)
        client = _client()
        server = self.server
        real = server.RequestHandlerClass
        server.RequestHandlerClass = self._handler(fault)
        try:
            server.finish_request(sock, client)
        except Exception:
            server.handle_error(sock, client)
        finally:
            server.RequestHandlerClass = real
        raw = bytes(sock.out)
        head, _, payload = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        try:
            status = int(lines[0].split()[1])
        except (IndexError, ValueError):
            return 0, [], b""
        out_headers = []
        for line in lines[1:]:
            name, _, value = line.partition(":")
            out_headers.append((name.strip(), value.strip()))
        return status, out_headers, payload

    def request(self, method, path, fault, body, headers):
        return self.call(method, path, fault, body, headers)[0]

    def routes(self):
        handler = self.server.RequestHandlerClass
        methods = sorted(name[3:] for name in dir(handler) if name.startswith("do_"))
        return [{"method": m, "path": "*"} for m in methods]

    def has_metrics(self):
        from prometheus_client.exposition import MetricsHandler

        return issubclass(self.server.RequestHandlerClass, MetricsHandler)


def _install_http_server():
    import http.server
    import socketserver
    import wsgiref.simple_server as simple

    class HTTPServer(http.server.HTTPServer):
        """http.server.HTTPServer in the lab: no socket; serve_forever serves the page's traffic."""

        def __init__(self, server_address, RequestHandlerClass, bind_and_activate=True):
            socketserver.BaseServer.__init__(self, server_address, RequestHandlerClass)
            host, port = server_address[:2]
            self.server_name = host or "localhost"
            self.server_port = port
            self.socket = None

        def server_bind(self):
            pass

        def server_activate(self):
            pass

        def server_close(self):
            pass

        def fileno(self):
            return -1

        def serve_forever(self, poll_interval=0.5):
            S.served = HttpServerServed(self)
            block_forever()

        def handle_request(self):
            S.served = HttpServerServed(self)
            block_forever()

        def shutdown(self):
            pass

        def shutdown_request(self, request):
            pass

        def process_request(self, request, client_address):
            self.finish_request(request, client_address)

    class ThreadingHTTPServer(HTTPServer):
        daemon_threads = True

    HTTPServer.__module__ = ThreadingHTTPServer.__module__ = "http.server"
    HTTPServer.__qualname__ = "HTTPServer"
    ThreadingHTTPServer.__qualname__ = "ThreadingHTTPServer"
    http.server.HTTPServer = HTTPServer
    http.server.ThreadingHTTPServer = ThreadingHTTPServer

    class WSGIServer:
        """wsgiref's server in the lab: serve_forever serves the page's traffic to the app."""

        def __init__(self, host, port, app):
            self.server_address = (host, port)
            self.server_port = port
            self.app = app

        def set_app(self, app):
            self.app = app

        def get_app(self):
            return self.app

        def serve_forever(self, poll_interval=0.5):
            S.served = WsgiServed(self.app, *self.server_address)
            block_forever()

        def handle_request(self):
            self.serve_forever()

        def shutdown(self):
            pass

        def server_close(self):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            pass

    def make_server(host, port, app, server_class=None, handler_class=None):
        return WSGIServer(host, port, app)

    simple.make_server = make_server


# ---------------------------------------------------------------------------
# The simulated host (psutil, shutil.disk_usage, the process collector).


def host():
    if S.host is None:
        S.host = _Host(S.seed, S.boot_ns)
    return S.host


class _Host:
    """A deterministic Linux host: every number follows from the seed and the virtual clock.

    CPU time grows with virtual time (a slowly wobbling load of about a quarter of
    its 4 CPUs), memory wobbles around 3.4 GiB of 8 GiB, the disk fills slowly.
    """

    CPUS = 4
    MEM_TOTAL = 8 * 1024**3
    DISK_TOTAL = 100 * 1024**3
    SWAP_TOTAL = 2 * 1024**3

    def __init__(self, seed, start_ns):
        rng = random.Random(seed)
        self.phase = rng.random() * 2 * math.pi
        self.phase2 = rng.random() * 2 * math.pi
        self.start = start_ns / 1e9
        # The machine booted some days before the process started.
        self.boot = math.floor(self.start - 86400 * (2 + rng.random() * 5))
        self.disk_base = int(self.DISK_TOTAL * (0.35 + rng.random() * 0.2))
        self.rss_base = int(48 * 1024**2 + rng.random() * 16 * 1024**2)

    def up(self):
        """Seconds since boot."""
        return S.now_ns / 1e9 - self.boot

    def _integral(self, base, amp, period, phase, t):
        """∫0..t of base + amp·sin(2πs/period + phase) ds (base > amp: never decreasing)."""
        w = 2 * math.pi / period
        return base * t + amp * (math.cos(phase) - math.cos(w * t + phase)) / w

    def cpu_times(self):
        t = self.up()
        n = self.CPUS
        user = n * (self._integral(0.16, 0.05, 3600, self.phase, t) + self._integral(0.03, 0.02, 420, self.phase2, t))
        system = n * self._integral(0.05, 0.015, 1800, self.phase2, t)
        iowait = n * self._integral(0.004, 0.003, 900, self.phase, t)
        nice = n * 0.002 * t
        irq = n * 0.0005 * t
        softirq = n * 0.003 * t
        idle = n * t - user - system - iowait - nice - irq - softirq
        return user, nice, system, idle, iowait, irq, softirq

    def busy_fraction(self, t0, t1):
        """The CPU's busy share between two virtual times (seconds since boot)."""
        if t1 <= t0:
            return 0.0
        def busy(t):
            return (self._integral(0.16, 0.05, 3600, self.phase, t) + self._integral(0.03, 0.02, 420, self.phase2, t)
                    + self._integral(0.05, 0.015, 1800, self.phase2, t) + 0.0055 * t)
        return (busy(t1) - busy(t0)) / (t1 - t0)

    def memory(self):
        t = self.up()
        used = int(3.4 * 1024**3 + 0.35 * 1024**3 * math.sin(2 * math.pi * t / 2700 + self.phase)
                   + 0.08 * 1024**3 * math.sin(2 * math.pi * t / 170 + self.phase2))
        cached = int(2.1 * 1024**3 + 0.2 * 1024**3 * math.sin(2 * math.pi * t / 7200 + self.phase2))
        buffers = int(180 * 1024**2 + 20 * 1024**2 * math.sin(2 * math.pi * t / 600 + self.phase))
        free = self.MEM_TOTAL - used - cached - buffers
        return used, cached, buffers, free

    def disk_used(self):
        t = S.now_ns / 1e9 - self.start
        return self.disk_base + int(t * 1800) + int(64 * 1024**2 * (1 + math.sin(2 * math.pi * t / 86400 + self.phase)))

    def process_cpu_seconds(self):
        t = S.now_ns / 1e9 - self.start
        return 0.35 + self._integral(0.012, 0.006, 600, self.phase2, t)

    def process_rss(self):
        t = S.now_ns / 1e9 - self.start
        return self.rss_base + int(4 * 1024**2 * math.log1p(t / 60)) + int(1024**2 * math.sin(2 * math.pi * t / 300 + self.phase))


# ---------------------------------------------------------------------------


def install(bridge):
    """Installs the clock, threading and servers, then imports prometheus_client."""
    S.bridge = bridge
    sys.stdout = _Output("<stdout>")
    sys.stderr = _Output("<stderr>")
    _install_clock()
    _install_threading()
    _install_http_server()
    import prometheus_client  # noqa: F401 - after the clock: its Timer binds timeit.default_timer

    _install_prometheus()
    import shutil

    import psutil

    shutil.disk_usage = psutil._shutil_disk_usage
