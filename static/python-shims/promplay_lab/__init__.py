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

This package is split by concern; this file re-exports every name the module
had (the worker calls install, kill_all, begin, finish_start, set_work, step,
run_task, finish_advance and scrape; the other shims use S, context, sleep,
block_forever, run_coroutine, call_wsgi, WsgiServed, serve_wsgi, serve_asgi,
host, _user_tb and _active_count):

* state.py - ``S``, the process's state; limits, ProcessKilled, CannotSuspend.
* output.py - the program's stdout/stderr, collected for the replies.
* tasks.py - spawn, block, wake, sleep: the scheduler's primitives.
* clock.py - the virtual clock (time, datetime, timeit) and asyncio.
* threads.py - threading.Thread/Event on the scheduler.
* errors.py - exceptions as the protocol reports them.
* process.py - begin, kill_all, the main program and cron runs.
* scheduler.py - step, run_task, set_work and the replies.
* serving.py - emulated HTTP to the served app, and scrapes.
* servers.py - prometheus_client's servers, http.server, wsgiref.
* machine.py - the simulated host behind psutil and the process collector.
"""

import sys

from .clock import (
    _async_gather, _async_run, _async_sleep, _date_cls, _datetime_cls, _install_clock, _real_time,
    _v_asctime, _v_ctime, _v_gmtime, _v_localtime, _v_mono, _v_mono_ns, _v_process_time,
    _v_process_time_ns, _v_strftime, _v_time, _v_time_ns, run_coroutine,
)
from .errors import _ErrorInfo, _user_tb, describe_error, report_error
from .machine import _Host, host
from .output import _OUT, _OUT_SIZE, _Output, take_output
from .process import (
    _baseline, _fresh_main, _metrics_kind, _prometheus_reset, _reset_logging, _run_cron, _run_main,
    _uses_gateway, begin, kill_all,
)
from .scheduler import _find_app, _serve, _work_task, finish_advance, finish_start, run_task, set_work, step
from .servers import (
    HttpServerServed, _DummyServer, _DummyThread, _FakeSocket, _install_http_server, _install_prometheus,
    _simulated_failure, _SocketWriter,
)
from .serving import (
    SCRAPE_ACCEPT, SCRAPE_HEADERS, TRAFFIC_HEADERS, AsgiServed, WsgiServed, _client, _client_port, _header,
    _request_body, call_wsgi, scrape, serve_asgi, serve_wsgi, served_for,
)
from .state import (
    HOSTNAME, KILL_RETRIES, MAX_ERRORS, NO_JSPI, NO_TASK, OUTPUT_LIMIT, SHIM_DIR, CannotSuspend,
    ProcessKilled, S, Task, _State,
)
from .tasks import (
    _new_id, _park_forever, _schedule, block, block_forever, can_suspend, context, current_task, sleep,
    spawn, wake,
)
from .threads import (
    Event, _active_count, _current_thread, _enumerate, _install_threading, _real_current_thread,
    _thread_body, _thread_is_alive, _thread_join, _thread_start,
)


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
