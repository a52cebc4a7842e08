"""flask - a small, pure-Python Flask for the Python lab (no Jinja, no sessions).

It follows Flask 3's request handling closely, so instrumentation behaves as in
a real Flask app:

* ``Flask(__name__)``; ``@app.route(rule, methods=[...])``, ``@app.get``,
  ``.post``, ``.put``, ``.delete``, ``.patch``, ``add_url_rule``; rules with
  ``<id>``, ``<int:id>``, ``<float:x>``, ``<path:p>``, ``<uuid:u>``
  (static rules win over dynamic ones, as Werkzeug matches); HEAD and OPTIONS
  answered automatically; a rule ending in "/" redirects the path without it
  (308).
* ``request``: method, path, full_path, url, base_url, host, args (``.get(key,
  default, type)``), form, values, headers, url_rule (``.rule``), endpoint,
  view_args, get_json() / json (415 when the body is not JSON, as Flask 3),
  data, get_data(), content_type, mimetype, is_json, remote_addr, environ; ``g``;
  ``abort(code)``; ``jsonify``; ``Response(body, status=, headers=, mimetype=,
  content_type=)``; ``make_response``; ``redirect``; ``url_for`` (no external
  URLs).
* View return values: str, bytes, dict/list (JSON), Response, (body, status),
  (body, headers), (body, status, headers); ``async def`` views run to their end.
* ``before_request``, ``after_request`` (in reverse order), ``teardown_request``,
  ``errorhandler(code or exception class)``. An unhandled exception is logged
  ("Exception on /path [GET]") and answered 500 with the after_request hooks run
  (Flask's handle_exception → finalize_request); an HTTPException from abort
  gets its status, hooks run; an unknown path is a 404 with ``request.url_rule``
  None.
* ``app.logger`` (Flask's default handler and format), ``app.config``,
  ``app.wsgi_app`` (a real WSGI callable that can be wrapped, e.g. by
  DispatcherMiddleware), ``app(environ, start_response)``, ``app.test_client()``
  (get/post/... returning a Response), and ``app.run(...)``, which serves the app
  to the lab's traffic and blocks for ever.

Not supported: blueprints' own hooks (a Blueprint's routes are registered on the
app with its url_prefix), templates, sessions, streaming, signals.

This package follows Flask's own layout: wrappers.py (Response, Request), ctx.py
(context locals and the request/g/current_app proxies), routing.py (rules),
helpers.py (jsonify, redirect, url_for), app.py (Flask, Blueprint). This file
re-exports every name the single-file module had, so ``from flask import ...``
works as before.
"""

from http import HTTPStatus
from urllib.parse import parse_qsl, quote

from werkzeug.datastructures import EnvironHeaders, Headers, MultiDict
from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    InternalServerError,
    MethodNotAllowed,
    NotFound,
    UnsupportedMediaType,
    abort,
)

from .app import (
    Blueprint, Config, Flask, _AppModule, _ContextManager, _default_handler_stream, _logger_chain_handlers,
    _Scaffold, _StderrHandler, _TestClient, default_handler, make_response,
)
from .ctx import (
    _app_stack_top, _AppCtxGlobals, _Proxy, _RequestContext, _stack, _top, after_this_request, current_app, g,
    has_app_context, has_request_context, request, session,
)
from .helpers import _dumps, _JsonModule, json, jsonify, redirect, render_template_string, stream_with_context, url_for
from .routing import Rule, _call, _find_error_handler, _RequestRedirect
from .wrappers import _CHARSET_MIMETYPES, _MISSING, Request, Response, _get_content_type, _status_line

__version__ = "3.1.0"
__all__ = [
    "Flask", "Blueprint", "Request", "Response", "abort", "current_app", "g", "jsonify",
    "make_response", "redirect", "request", "url_for",
]
