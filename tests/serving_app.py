"""A WSGI app that answers with its worker's process id (tests/test_serving.py serves it)."""

import os


def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [str(os.getpid()).encode()]
