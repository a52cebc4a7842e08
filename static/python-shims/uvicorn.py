"""uvicorn - uvicorn.run(app, host=, port=) for the Python lab: serves the ASGI app
(a FastAPI app or any ASGI callable; "module:attr" strings are looked up in the
program) to the lab's traffic, and blocks for ever, as uvicorn does."""

import sys

import promplay_lab as _lab

__version__ = "0.32.0"


def run(app, host="127.0.0.1", port=8000, **kwargs):
    if isinstance(app, str):
        _, _, attr = app.partition(":")
        app = getattr(sys.modules["__main__"], attr or "app")
    sys.stderr.write(f"INFO:     Started server process [1]\nINFO:     Waiting for application startup.\n")
    startup = getattr(app, "_startup", None)
    if startup is not None:
        _lab.run_coroutine(startup())
    sys.stderr.write(f"INFO:     Application startup complete.\n"
                     f"INFO:     Uvicorn running on http://{host}:{port} (Press CTRL+C to quit)\n")
    _lab.serve_asgi(app, host, port)
    _lab.block_forever()


class Config:
    def __init__(self, app, host="127.0.0.1", port=8000, **kwargs):
        self.app, self.host, self.port = app, host, port


class Server:
    def __init__(self, config):
        self.config = config

    def run(self):
        run(self.config.app, self.config.host, self.config.port)

    async def serve(self):
        self.run()
