"""promplay_lab.machine - the simulated host (psutil, shutil.disk_usage, the process collector).

``host()`` is the process's deterministic Linux machine: CPU, memory and disk
follow from the seed and the virtual clock.
"""

import math
import random

from .state import S


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
