"""flask.wrappers - Flask's Response and Request (werkzeug's rules for status lines and content types)."""

import json as _json
from http import HTTPStatus
from urllib.parse import parse_qsl, quote

import promplay_lab as _lab
from werkzeug.datastructures import EnvironHeaders, Headers, MultiDict
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

_CHARSET_MIMETYPES = {
    "application/ecmascript", "application/javascript", "application/sql", "application/xml",
    "application/xml-dtd", "application/xml-external-parsed-entity",
}


def _get_content_type(mimetype, charset="utf-8"):
    # Werkzeug's rule: text/* and a few others get a charset appended (even if one is
    # already there: Response(generate_latest(), mimetype=CONTENT_TYPE_LATEST) really
    # answers "...; charset=utf-8; charset=utf-8").
    if mimetype.startswith("text/") or mimetype in _CHARSET_MIMETYPES or mimetype.endswith("+xml"):
        mimetype += f"; charset={charset}"
    return mimetype


def _status_line(code):
    try:
        return f"{code} {HTTPStatus(code).phrase.upper()}"
    except ValueError:
        return f"{code} UNKNOWN"


# ---------------------------------------------------------------------------
# Response


class Response:
    default_status = 200
    default_mimetype = "text/html"

    def __init__(self, response=None, status=None, headers=None, mimetype=None, content_type=None,
                 direct_passthrough=False):
        self.headers = headers if isinstance(headers, Headers) else Headers(headers)
        if content_type is None:
            if mimetype is None and "content-type" not in self.headers:
                mimetype = self.default_mimetype
            if mimetype is not None:
                mimetype = _get_content_type(mimetype)
            content_type = mimetype
        if content_type is not None:
            self.headers["Content-Type"] = content_type
        self.status = status if status is not None else self.default_status
        self._body = b""
        if response is not None:
            self.set_data(response)

    # status
    @property
    def status_code(self):
        return self._status_code

    @status_code.setter
    def status_code(self, code):
        self._status_code = int(code)
        self._status = _status_line(self._status_code)

    @property
    def status(self):
        return self._status

    @status.setter
    def status(self, value):
        if isinstance(value, HTTPStatus):
            value = int(value)
        if isinstance(value, int):
            self.status_code = value
            return
        value = str(value).strip()
        code, _, phrase = value.partition(" ")
        self._status_code = int(code)
        self._status = f"{code} {phrase.upper()}" if phrase else _status_line(int(code))

    # body
    def set_data(self, value):
        if isinstance(value, str):
            value = value.encode("utf-8")
        elif isinstance(value, (bytes, bytearray)):
            value = bytes(value)
        else:
            value = b"".join(v.encode("utf-8") if isinstance(v, str) else bytes(v) for v in value)
        self._body = value
        self.headers["Content-Length"] = str(len(value))

    def get_data(self, as_text=False):
        return self._body.decode("utf-8") if as_text else self._body

    data = property(get_data, set_data)

    @property
    def response(self):
        return [self._body]

    @property
    def content_type(self):
        return self.headers.get("Content-Type")

    @content_type.setter
    def content_type(self, value):
        self.headers["Content-Type"] = value

    @property
    def mimetype(self):
        ct = self.content_type
        return ct.split(";")[0].strip() if ct else None

    @mimetype.setter
    def mimetype(self, value):
        self.headers["Content-Type"] = _get_content_type(value)

    @property
    def content_length(self):
        return len(self._body)

    @property
    def is_json(self):
        mt = self.mimetype or ""
        return mt == "application/json" or (mt.startswith("application/") and mt.endswith("+json"))

    def get_json(self, force=False, silent=False):
        if not (force or self.is_json):
            return None
        try:
            return _json.loads(self._body)
        except ValueError:
            if silent:
                return None
            raise

    @property
    def json(self):
        return self.get_json()

    def set_cookie(self, key, value="", max_age=None, path="/", **kwargs):
        cookie = f"{key}={quote(str(value))}; Path={path}"
        if max_age is not None:
            cookie += f"; Max-Age={int(max_age)}"
        self.headers.add("Set-Cookie", cookie)

    def delete_cookie(self, key, path="/", **kwargs):
        self.set_cookie(key, "", max_age=0, path=path)

    @classmethod
    def force_type(cls, response, environ=None):
        if isinstance(response, Response):
            return response
        status, headers, body = _lab.call_wsgi(response, environ or {})
        return cls(body, status, headers)

    def __call__(self, environ, start_response):
        start_response(self._status, self.headers.to_wsgi_list())
        if environ.get("REQUEST_METHOD") == "HEAD":
            return [b""]
        return [self._body]

    def __repr__(self):
        return f"<{type(self).__name__} {len(self._body)} bytes [{self._status}]>"


# ---------------------------------------------------------------------------
# Request


class Request:
    def __init__(self, environ):
        self.environ = environ
        self.method = environ.get("REQUEST_METHOD", "GET").upper()
        self.script_root = environ.get("SCRIPT_NAME", "").rstrip("/")
        self.path = "/" + environ.get("PATH_INFO", "").lstrip("/")
        qs = environ.get("QUERY_STRING", "")
        self.query_string = qs.encode("latin-1")
        self.args = MultiDict(parse_qsl(qs, keep_blank_values=True))
        self.headers = EnvironHeaders(environ)
        self.remote_addr = environ.get("REMOTE_ADDR")
        self.scheme = environ.get("wsgi.url_scheme", "http")
        self.host = self.headers.get("Host") or environ.get("SERVER_NAME", "localhost")
        self.root_url = f"{self.scheme}://{self.host}{self.script_root}/"
        self.base_url = f"{self.scheme}://{self.host}{self.script_root}{self.path}"
        self.full_path = f"{self.path}?{qs}"
        self.url = self.base_url + (f"?{qs}" if qs else "")
        self.host_url = f"{self.scheme}://{self.host}/"
        self.url_root = self.root_url
        self.url_rule = None
        self.view_args = None
        self.routing_exception = None
        self.cookies = {}
        self.files = MultiDict()
        self._data = None
        self._json = _MISSING
        self._form = None

    @property
    def endpoint(self):
        return self.url_rule.endpoint if self.url_rule is not None else None

    @property
    def blueprint(self):
        return None

    @property
    def blueprints(self):
        return []

    @property
    def content_type(self):
        return self.environ.get("CONTENT_TYPE", "")

    @property
    def mimetype(self):
        return self.content_type.split(";")[0].strip().lower()

    @property
    def content_length(self):
        try:
            return int(self.environ.get("CONTENT_LENGTH") or 0) or None
        except ValueError:
            return None

    @property
    def user_agent(self):
        return self.headers.get("User-Agent", "")

    @property
    def access_route(self):
        return [self.remote_addr]

    def get_data(self, cache=True, as_text=False, parse_form_data=False):
        if self._data is None:
            stream = self.environ.get("wsgi.input")
            length = self.content_length or 0
            self._data = stream.read(length) if stream is not None and length else b""
        return self._data.decode("utf-8", "replace") if as_text else self._data

    @property
    def data(self):
        return self.get_data()

    @property
    def is_json(self):
        mt = self.mimetype
        return mt == "application/json" or (mt.startswith("application/") and mt.endswith("+json"))

    def get_json(self, force=False, silent=False, cache=True):
        if self._json is not _MISSING:
            return self._json
        if not (force or self.is_json):
            if not silent:
                raise UnsupportedMediaType(
                    "Did not attempt to load JSON data because the request Content-Type was not"
                    " 'application/json'.")
            return None
        try:
            value = _json.loads(self.get_data())
        except ValueError as e:
            if silent:
                return None
            raise BadRequest(f"Failed to decode JSON object: {e}") from None
        self._json = value
        return value

    @property
    def json(self):
        return self.get_json()

    @property
    def form(self):
        if self._form is None:
            if self.mimetype == "application/x-www-form-urlencoded":
                self._form = MultiDict(parse_qsl(self.get_data(as_text=True), keep_blank_values=True))
            else:
                self._form = MultiDict()
        return self._form

    @property
    def values(self):
        merged = MultiDict(self.args.items(multi=True))
        for key, value in self.form.items(multi=True):
            merged.add(key, value)
        return merged

    def __repr__(self):
        return f"<Request '{self.url}' [{self.method}]>"


_MISSING = object()
