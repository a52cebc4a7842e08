"""fastapi.responses - Response, JSONResponse, PlainTextResponse, HTMLResponse (ASGI callables)."""

import json as _json


class Response:
    media_type = None
    charset = "utf-8"

    def __init__(self, content=None, status_code=200, headers=None, media_type=None, background=None):
        self.status_code = status_code
        if media_type is not None:
            self.media_type = media_type
        self.body = self.render(content)
        self.headers = {k.lower(): str(v) for k, v in (headers or {}).items()}
        self.headers.setdefault("content-length", str(len(self.body)))
        if self.media_type is not None and "content-type" not in self.headers:
            content_type = self.media_type
            if content_type.startswith("text/") and "charset=" not in content_type.lower():
                content_type += "; charset=" + self.charset
            self.headers["content-type"] = content_type

    def render(self, content):
        if content is None:
            return b""
        if isinstance(content, (bytes, bytearray, memoryview)):
            return bytes(content)
        return str(content).encode(self.charset)

    @property
    def raw_headers(self):
        return [(k.encode("latin-1"), v.encode("latin-1")) for k, v in self.headers.items()]

    def set_cookie(self, key, value="", max_age=None, path="/", **kwargs):
        self.headers["set-cookie"] = f"{key}={value}; Path={path}" + (f"; Max-Age={max_age}" if max_age else "")

    async def __call__(self, scope, receive, send):
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
        await send({"type": "http.response.body", "body": b"" if scope.get("method") == "HEAD" else self.body})


class JSONResponse(Response):
    media_type = "application/json"

    def render(self, content):
        return _json.dumps(content, ensure_ascii=False, allow_nan=False, indent=None,
                           separators=(",", ":"), default=_default).encode("utf-8")


def _default(o):
    if hasattr(o, "model_dump"):
        return o.model_dump()
    if hasattr(o, "__dict__"):
        return vars(o)
    if hasattr(o, "isoformat"):
        return o.isoformat()
    raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")


class PlainTextResponse(Response):
    media_type = "text/plain"


class HTMLResponse(Response):
    media_type = "text/html"


class RedirectResponse(Response):
    def __init__(self, url, status_code=307, headers=None, background=None):
        super().__init__(b"", status_code, {**(headers or {}), "location": str(url)})
