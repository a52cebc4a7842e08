"""promplay_lab.threads - threading on the scheduler.

``_install_threading`` makes every started ``threading.Thread`` (and Timer) a
task of its own, and ``threading.Event``, ``Thread.join``, ``is_alive``,
``current_thread``, ``active_count`` and ``enumerate`` follow the virtual clock.
"""

import threading

from .errors import report_error
from .state import NO_TASK, CannotSuspend, ProcessKilled, S
from .tasks import block, spawn, wake


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
