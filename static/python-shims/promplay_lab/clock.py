"""promplay_lab.clock - the virtual clock: time, timeit, datetime, socket.gethostname, asyncio.

``_install_clock`` replaces the real clocks with readers of ``S.now_ns``, and
asyncio's sleep/run/gather with versions that run a coroutine to its end on the
running task (``run_coroutine``, also used by the web shims).
"""

import datetime as _datetime
import socket
import time
import timeit

from .machine import host
from .state import HOSTNAME, S
from .tasks import sleep


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
