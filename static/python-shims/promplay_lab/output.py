"""promplay_lab.output - the program's stdout and stderr, collected for the next reply.

``install`` replaces sys.stdout and sys.stderr with ``_Output`` streams; the
worker's replies carry the last OUTPUT_LIMIT characters (``take_output``).
"""

import io

from .state import OUTPUT_LIMIT


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
