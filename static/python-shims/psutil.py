"""psutil - the Python lab's stand-in for psutil: a deterministic simulated Linux host.

Every number follows from the page's seed and the virtual clock (see
promplay_lab._Host): 4 CPUs whose busy time grows with virtual time (about a
quarter busy, wobbling over the hour), 8 GiB of memory with used memory wobbling
around 3.4 GiB, a 100 GiB disk filling slowly, a 2 GiB swap barely used.

Supported: cpu_times(percpu=False), cpu_percent(interval=None, percpu=False),
cpu_count(logical=True), cpu_stats(), getloadavg(), virtual_memory(),
swap_memory(), disk_usage(path), disk_partitions(), net_io_counters(),
boot_time(), pids(), pid_exists(pid), Process(pid=None) with pid, name(),
cmdline(), status(), create_time(), memory_info(), memory_percent(),
cpu_times(), cpu_percent(interval=None), num_threads(), num_fds() and
oneshot(); and shutil.disk_usage. ``cpu_percent(interval=x)`` sleeps x virtual
seconds, as the real one blocks.
"""

import contextlib
import os
from collections import namedtuple

import promplay_lab as _lab

__version__ = "7.0.0"
version_info = (7, 0, 0)
LINUX = True
WINDOWS = MACOS = OSX = FREEBSD = False
STATUS_RUNNING = "running"
STATUS_SLEEPING = "sleeping"

scputimes = namedtuple("scputimes", "user nice system idle iowait irq softirq steal guest guest_nice")
svmem = namedtuple("svmem", "total available percent used free active inactive buffers cached shared slab")
sswap = namedtuple("sswap", "total used free percent sin sout")
sdiskusage = namedtuple("sdiskusage", "total used free percent")
sdiskpart = namedtuple("sdiskpart", "device mountpoint fstype opts")
snetio = namedtuple("snetio", "bytes_sent bytes_recv packets_sent packets_recv errin errout dropin dropout")
scpustats = namedtuple("scpustats", "ctx_switches interrupts soft_interrupts syscalls")
pmem = namedtuple("pmem", "rss vms shared text lib data dirty")
pcputimes = namedtuple("pcputimes", "user system children_user children_system iowait")


class Error(Exception):
    pass


class NoSuchProcess(Error):
    def __init__(self, pid, name=None, msg=None):
        super().__init__(msg or f"process no longer exists (pid={pid})")
        self.pid = pid
        self.name = name


class AccessDenied(Error):
    pass


def _host():
    return _lab.host()


def _r(x):
    return round(x, 2)


def cpu_count(logical=True):
    return _host().CPUS if logical else _host().CPUS // 2


def cpu_times(percpu=False):
    user, nice, system, idle, iowait, irq, softirq = _host().cpu_times()
    total = scputimes(_r(user), _r(nice), _r(system), _r(idle), _r(iowait), _r(irq), _r(softirq), 0.0, 0.0, 0.0)
    if not percpu:
        return total
    n = cpu_count()
    return [scputimes(*(_r(v / n) for v in total)) for _ in range(n)]


_last_percent = {}


def _percent(key, busy_of, interval):
    host = _host()
    if interval is not None and interval > 0:
        t0 = host.up()
        _lab.sleep(interval)
        return round(100 * busy_of(t0, host.up()), 1)
    now = host.up()
    last = _last_percent.get((id(_lab.S), key))
    _last_percent[(id(_lab.S), key)] = now
    if last is None or now <= last:
        return 0.0
    return round(100 * busy_of(last, now), 1)


def cpu_percent(interval=None, percpu=False):
    host = _host()
    if _lab.S.boot_ns != _last_percent.get("boot"):
        _last_percent.clear()
        _last_percent["boot"] = _lab.S.boot_ns
    value = _percent("cpu", host.busy_fraction, interval)
    return [value] * cpu_count() if percpu else value


def cpu_stats():
    t = _host().up()
    return scpustats(int(t * 2100), int(t * 900), int(t * 650), 0)


def getloadavg():
    busy = _host().busy_fraction(_host().up() - 60, _host().up()) * cpu_count()
    return (round(busy, 2), round(busy * 0.97, 2), round(busy * 0.95, 2))


def virtual_memory():
    host = _host()
    used, cached, buffers, free = host.memory()
    available = free + cached + buffers
    percent = round((host.MEM_TOTAL - available) / host.MEM_TOTAL * 100, 1)
    return svmem(host.MEM_TOTAL, available, percent, used, free, int(used * 0.9), int(cached * 0.6),
                 buffers, cached, 64 * 1024**2, 300 * 1024**2)


def swap_memory():
    host = _host()
    used = 48 * 1024**2
    return sswap(host.SWAP_TOTAL, used, host.SWAP_TOTAL - used, round(used / host.SWAP_TOTAL * 100, 1), 0, 0)


def disk_usage(path="/"):
    host = _host()
    used = host.disk_used()
    free = host.DISK_TOTAL - used
    return sdiskusage(host.DISK_TOTAL, used, free, round(used / host.DISK_TOTAL * 100, 1))


def _shutil_disk_usage(path):
    import shutil

    usage = disk_usage(path)
    return shutil._ntuple_diskusage(usage.total, usage.used, usage.free)


def disk_partitions(all=False):
    return [sdiskpart("/dev/sda1", "/", "ext4", "rw,relatime")]


def net_io_counters(pernic=False, nowrap=True):
    t = _host().up()
    counters = snetio(int(t * 52000), int(t * 61000), int(t * 410), int(t * 450), 0, 0, 0, 0)
    return {"eth0": counters} if pernic else counters


def boot_time():
    return float(_host().boot)


def pids():
    return [1]


def pid_exists(pid):
    return pid in (1, os.getpid())


class Process:
    """The program's own process (any pid answers as it)."""

    def __init__(self, pid=None):
        self.pid = os.getpid() if pid is None else pid
        if pid is not None and not pid_exists(pid):
            raise NoSuchProcess(pid)

    def name(self):
        return "python"

    def cmdline(self):
        return ["python", _lab.S.file_name]

    def status(self):
        return STATUS_SLEEPING

    def create_time(self):
        return _host().start

    def memory_info(self):
        rss = _host().process_rss()
        return pmem(rss, 420 * 1024**2 + rss // 4, 12 * 1024**2, 4 * 1024**2, 0, rss - 8 * 1024**2, 0)

    def memory_percent(self, memtype="rss"):
        return getattr(self.memory_info(), memtype) / _host().MEM_TOTAL * 100

    def cpu_times(self):
        cpu = _host().process_cpu_seconds()
        return pcputimes(_r(cpu * 0.8), _r(cpu * 0.2), 0.0, 0.0, 0.0)

    def cpu_percent(self, interval=None):
        host = _host()

        def busy(t0, t1):
            # the process's CPU seconds per second between two times since boot
            start = host.start - host.boot
            c0 = host._integral(0.012, 0.006, 600, host.phase2, max(0.0, t0 - start))
            c1 = host._integral(0.012, 0.006, 600, host.phase2, max(0.0, t1 - start))
            return (c1 - c0) / (t1 - t0) if t1 > t0 else 0.0

        return _percent(("process", self.pid), busy, interval)

    def num_threads(self):
        return _lab._active_count()

    def num_fds(self):
        return 7

    @contextlib.contextmanager
    def oneshot(self):
        yield

    def as_dict(self, attrs=None):
        attrs = attrs or ["pid", "name", "memory_info", "cpu_times", "num_threads"]
        return {a: (getattr(self, a)() if callable(getattr(self, a)) else getattr(self, a)) for a in attrs}
