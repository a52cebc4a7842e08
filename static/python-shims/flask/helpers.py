"""flask.helpers - jsonify and flask.json, redirect, url_for and the other small helpers."""

import json as _json

from .ctx import _top
from .wrappers import Response


# ---------------------------------------------------------------------------
# Helpers


def _dumps(obj):
    def default(o):
        import datetime
        import decimal
        import uuid

        if isinstance(o, datetime.date):
            from email.utils import format_datetime

            if not isinstance(o, datetime.datetime):
                o = datetime.datetime(o.year, o.month, o.day)
            return format_datetime(o.replace(tzinfo=datetime.timezone.utc) if o.tzinfo is None else o, usegmt=True)
        if isinstance(o, (decimal.Decimal, uuid.UUID)):
            return str(o)
        if hasattr(o, "__html__"):
            return str(o.__html__())
        raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")

    return _json.dumps(obj, default=default, ensure_ascii=True, sort_keys=True, separators=(",", ":"))


def jsonify(*args, **kwargs):
    if args and kwargs:
        raise TypeError("jsonify() behavior undefined when passed both args and kwargs")
    if len(args) == 1:
        data = args[0]
    else:
        data = args or kwargs
    return Response(_dumps(data) + "\n", mimetype="application/json")


class _JsonModule:
    @staticmethod
    def dumps(obj, **kwargs):
        return _dumps(obj)

    @staticmethod
    def loads(s, **kwargs):
        return _json.loads(s)

    jsonify = staticmethod(jsonify)


json = _JsonModule()


def redirect(location, code=302, Response=None):
    from html import escape

    cls = Response or globals()["Response"]
    body = (
        "<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n"
        f"<p>You should be redirected automatically to the target URL: <a href=\"{escape(location)}\">"
        f"{escape(location)}</a>. If not, click the link.\n"
    )
    rv = cls(body, code, mimetype="text/html")
    rv.headers["Location"] = location
    return rv


def url_for(endpoint, **values):
    app = _top("app").app
    for rule in app.url_map:
        if rule.endpoint == endpoint and rule.arguments <= set(values):
            path = rule.build(values)
            if values:
                from urllib.parse import urlencode

                path += "?" + urlencode(values)
            return path
    raise RuntimeError(f"Could not build url for endpoint {endpoint!r}.")


def render_template_string(source, **context):
    return source.format(**context) if context else source


def stream_with_context(gen):
    return gen
