"""promplay_lab.tasks - the scheduler's primitives: spawning, blocking and waking tasks.

A task runs until it blocks (``block``, ``sleep``, ``block_forever``); it then
parks its JSPI stack with the worker and is queued on the virtual clock
(``_schedule``) or waits to be woken (``wake``). ``step`` (scheduler.py) picks
the next one. ``context`` gives each task a dict of its own (the web shims'
request contexts).
"""

import heapq
import math

from .state import KILL_RETRIES, NO_JSPI, NO_TASK, CannotSuspend, ProcessKilled, S, Task


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
