"""promplay_lab.errors - the program's exceptions as the protocol reports them.

``describe_error`` gives {error, traceback, line?} without the lab's own frames
at the top of the traceback; ``report_error`` also prints it to stderr (as
Python would) and keeps it for the next reply.
"""

import sys
import traceback

from .state import MAX_ERRORS, SHIM_DIR, S


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
