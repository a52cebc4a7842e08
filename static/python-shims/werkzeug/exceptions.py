"""werkzeug.exceptions - HTTP errors as exceptions (abort(404) raises NotFound).

An HTTPException is also a WSGI app and gives a Response (get_response) with
Werkzeug's HTML error page, as Flask sends it when no errorhandler is set.
"""

from html import escape


class HTTPException(Exception):
    code = None
    description = None

    def __init__(self, description=None, response=None):
        super().__init__()
        if description is not None:
            self.description = description
        self.response = response

    @property
    def name(self):
        from http import HTTPStatus

        try:
            return HTTPStatus(self.code).phrase
        except ValueError:
            return "Unknown Error"

    def get_description(self, environ=None, scope=None):
        description = escape(self.description or "").replace("\n", "<br>")
        return f"<p>{description}</p>"

    def get_body(self, environ=None, scope=None):
        return (
            "<!doctype html>\n"
            "<html lang=en>\n"
            f"<title>{self.code} {escape(self.name)}</title>\n"
            f"<h1>{escape(self.name)}</h1>\n"
            f"{self.get_description(environ)}\n"
        )

    def get_headers(self, environ=None, scope=None):
        return [("Content-Type", "text/html; charset=utf-8")]

    def get_response(self, environ=None, scope=None):
        from flask import Response

        if self.response is not None:
            return self.response
        return Response(self.get_body(environ), self.code, self.get_headers(environ))

    def __call__(self, environ, start_response):
        return self.get_response(environ)(environ, start_response)

    def __str__(self):
        code = self.code if self.code is not None else "???"
        return f"{code} {self.name}: {self.description}"

    def __repr__(self):
        code = self.code if self.code is not None else "???"
        return f"<{type(self).__name__} '{code}: {self.name}'>"


class BadRequest(HTTPException):
    code = 400
    description = "The browser (or proxy) sent a request that this server could not understand."


class BadRequestKeyError(BadRequest, KeyError):
    def __init__(self, arg=None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.args = () if arg is None else (arg,)


class Unauthorized(HTTPException):
    code = 401
    description = ("The server could not verify that you are authorized to access the URL requested. You either"
                   " supplied the wrong credentials (e.g. a bad password), or your browser doesn't understand"
                   " how to supply the credentials required.")


class Forbidden(HTTPException):
    code = 403
    description = ("You don't have the permission to access the requested resource. It is either"
                   " read-protected or not readable by the server.")


class NotFound(HTTPException):
    code = 404
    description = ("The requested URL was not found on the server. If you entered the URL manually please check"
                   " your spelling and try again.")


class MethodNotAllowed(HTTPException):
    code = 405
    description = "The method is not allowed for the requested URL."

    def __init__(self, valid_methods=None, description=None, response=None):
        super().__init__(description, response)
        self.valid_methods = valid_methods

    def get_headers(self, environ=None, scope=None):
        headers = super().get_headers(environ)
        if self.valid_methods:
            headers.append(("Allow", ", ".join(self.valid_methods)))
        return headers


class NotAcceptable(HTTPException):
    code = 406
    description = ("The resource identified by the request is only capable of generating response entities which"
                   " have content characteristics not acceptable according to the accept headers sent in the"
                   " request.")


class RequestTimeout(HTTPException):
    code = 408
    description = "The server closed the network connection because the browser didn't finish the request within the specified time."


class Conflict(HTTPException):
    code = 409
    description = ("A conflict happened while processing the request. The resource might have been modified while"
                   " the request was being processed.")


class Gone(HTTPException):
    code = 410
    description = ("The requested URL is no longer available on this server and there is no forwarding address."
                   " If you followed a link from a foreign page, please contact the author of this page.")


class UnsupportedMediaType(HTTPException):
    code = 415
    description = "The server does not support the media type transmitted in the request."


class UnprocessableEntity(HTTPException):
    code = 422
    description = "The request was well-formed but was unable to be followed due to semantic errors."


class TooManyRequests(HTTPException):
    code = 429
    description = "This user has exceeded an allotted request count. Try again later."


class InternalServerError(HTTPException):
    code = 500
    description = ("The server encountered an internal error and was unable to complete your request. Either the"
                   " server is overloaded or there is an error in the application.")

    def __init__(self, description=None, response=None, original_exception=None):
        self.original_exception = original_exception
        super().__init__(description, response)


class NotImplemented(HTTPException):
    code = 501
    description = "The server does not support the action requested by the browser."


class BadGateway(HTTPException):
    code = 502
    description = "The proxy server received an invalid response from an upstream server."


class ServiceUnavailable(HTTPException):
    code = 503
    description = ("The server is temporarily unable to service your request due to maintenance downtime or"
                   " capacity problems. Please try again later.")


class GatewayTimeout(HTTPException):
    code = 504
    description = "The connection to an upstream server timed out."


default_exceptions = {}
for _cls in list(globals().values()):
    if isinstance(_cls, type) and issubclass(_cls, HTTPException) and _cls.code and _cls is not BadRequestKeyError:
        default_exceptions[_cls.code] = _cls


class Aborter:
    def __init__(self, mapping=None):
        self.mapping = dict(default_exceptions if mapping is None else mapping)

    def __call__(self, code, *args, **kwargs):
        if not args and not kwargs and not isinstance(code, int):
            raise HTTPException(response=code)
        if code not in self.mapping:
            raise LookupError(f"no exception for {code!r}")
        raise self.mapping[code](*args, **kwargs)


def abort(status, *args, **kwargs):
    """Raises the HTTPException for a status code (or for a Response)."""
    Aborter()(status, *args, **kwargs)
