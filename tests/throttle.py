"""A slow network between the portal and a server, for tests: a TCP proxy on a free port that
passes answers back at `bytes_per_second` and notes the request lines it forwards."""

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


class Throttle:
    def __init__(self, port: int, bytes_per_second: int):
        self.port = port
        self.bytes_per_second = bytes_per_second
        self.requests: list[str] = []
        self.lock = threading.Lock()


@contextmanager
def throttled(target_port: int, *, bytes_per_second: int):
    throttle = Throttle(free_port(), bytes_per_second)

    class Handler(socketserver.BaseRequestHandler):
        def handle(self):
            upstream = socket.create_connection(("127.0.0.1", target_port))
            done = threading.Event()

            def upwards():
                try:
                    while data := self.request.recv(CHUNK):
                        with throttle.lock:
                            throttle.requests += [
                                m.group(2).decode() for m in REQUEST_LINE.finditer(data)
                            ]
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
