"""werkzeug.middleware.dispatcher - DispatcherMiddleware, as in Werkzeug.

Combines WSGI apps by path prefix: ``DispatcherMiddleware(app, {"/metrics":
make_wsgi_app()})`` sends /metrics (and /metrics/...) to the metrics app with
SCRIPT_NAME and PATH_INFO adjusted, and everything else to ``app``.
"""


class DispatcherMiddleware:
    def __init__(self, app, mounts=None):
        self.app = app
        self.mounts = mounts or {}

    def __call__(self, environ, start_response):
        script = environ.get("PATH_INFO", "")
        path_info = ""

        while "/" in script:
            if script in self.mounts:
                app = self.mounts[script]
                break

            script, last_item = script.rsplit("/", 1)
            path_info = f"/{last_item}{path_info}"
        else:
            app = self.mounts.get(script, self.app)

        original_script_name = environ.get("SCRIPT_NAME", "")
        environ["SCRIPT_NAME"] = original_script_name + script
        environ["PATH_INFO"] = path_info
        return app(environ, start_response)
