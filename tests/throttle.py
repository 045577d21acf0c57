"""A slow or failing network between the portal and a server, for tests: a TCP proxy on a free
port that passes answers back at `bytes_per_second`, notes the request lines it forwards, and
answers `500` itself to requests whose path matches `fail`."""

from __future__ import annotations

import re
import socket
import socketserver
import threading
import time
from contextlib import contextmanager

from tests.orthanc import free_port

REQUEST_LINE = re.compile(rb"(GET|POST|PUT|DELETE) (\S+) HTTP/1\.[01]")
CHUNK = 4096


FAILURE = b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


class Throttle:
    def __init__(self, port: int, bytes_per_second: int, fail: re.Pattern | None):
        self.port = port
        self.bytes_per_second = bytes_per_second
        self.fail = fail
        self.requests: list[str] = []
        self.lock = threading.Lock()


@contextmanager
def throttled(target_port: int, *, bytes_per_second: int, fail: str | None = None):
    throttle = Throttle(free_port(), bytes_per_second, re.compile(fail) if fail else None)

    class Handler(socketserver.BaseRequestHandler):
        def handle(self):
            upstream = socket.create_connection(("127.0.0.1", target_port))
            done = threading.Event()

            def upwards():
                try:
                    while data := self.request.recv(CHUNK):
                        paths = [m.group(2).decode() for m in REQUEST_LINE.finditer(data)]
                        with throttle.lock:
                            throttle.requests += paths
                        if throttle.fail and any(throttle.fail.search(p) for p in paths):
                            self.request.sendall(FAILURE)
                            upstream.close()
                            return
                        upstream.sendall(data)
                except OSError:
                    pass
                finally:
                    done.set()

            threading.Thread(target=upwards, daemon=True).start()
            try:
                while data := upstream.recv(CHUNK):
                    self.request.sendall(data)
                    time.sleep(len(data) / throttle.bytes_per_second)
            except OSError:
                pass
            finally:
                upstream.close()
                done.wait(5)

    server = socketserver.ThreadingTCPServer(("127.0.0.1", throttle.port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield throttle
    finally:
        server.shutdown()
        server.server_close()
