"""werkzeug - the parts of Werkzeug the Python lab's Flask stand-in needs.

Supported: werkzeug.exceptions (HTTPException and the common 4xx/5xx classes,
abort), werkzeug.datastructures (MultiDict, Headers) and
werkzeug.middleware.dispatcher.DispatcherMiddleware (mounts WSGI apps by path
prefix, exactly as Werkzeug does), plus Response/Request re-exported from flask.
"""

__version__ = "3.1.3"


def __getattr__(name):
    if name in ("Request", "Response"):
        import flask

        return getattr(flask, name)
    raise AttributeError(f"module 'werkzeug' has no attribute {name!r}")
