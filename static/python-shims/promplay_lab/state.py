"""promplay_lab.state - the state of the current process, and what every part shares.

``S`` (the one ``_State``) holds the running process: its virtual clock, its
tasks and their run queue, the page's queued work, what it serves and what the
next reply reports. Alongside it are the lab's limits, its two exceptions
(``ProcessKilled``, ``CannotSuspend``) and their messages. It imports nothing of
the lab, so every other module can import it.
"""

import os

# The shims' directory (this package's parent): _user_tb hides frames of every shim.
SHIM_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
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
