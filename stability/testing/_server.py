"""The socket server: HTTP/1.1 with keep-alive over the stdlib's threading HTTP server, one thread per connection.

It reads the request line and headers, hands the app a body that streams from the socket (Content-Length or
chunked), and delivers the answer, or the connection fault the answer asks for. It counts the connections it
accepts, and on stop it shuts down every open connection so no handler thread outlives the server.
"""

from __future__ import annotations

import socket
import socketserver
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

from ._app import App
from ._forms import drain
from ._http import Headers, Incoming, Reply
from ._media import body_length, iter_body

READ_CHUNK = 64 * 1024


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 1024

    def __init__(self, address: tuple[str, int], app: App) -> None:
        self.app = app
        self.stopping = threading.Event()
        self.connections_opened = 0
        self._open: set[socket.socket] = set()
        self._handler_threads: set[threading.Thread] = set()
        self._lock = threading.Lock()
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind resolves the host's FQDN, which can stall on a machine without DNS.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(target=self._serve_connection, args=(request, client_address), daemon=True)
        with self._lock:
            self.connections_opened += 1
            self._open.add(request)
            self._handler_threads.add(thread)
        thread.start()

    def _serve_connection(self, request: socket.socket, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:  # a client that vanished mid-request; nothing to answer
            pass
        finally:
            with self._lock:
                self._open.discard(request)
                self._handler_threads.discard(threading.current_thread())
            self.shutdown_request(request)

    def close_connections(self, timeout: float) -> None:
        """Shut down every open connection and wait (up to `timeout`) for their threads."""
        with self._lock:
            sockets, threads = list(self._open), list(self._handler_threads)
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for thread in threads:
            thread.join(timeout)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "stability-fake"
    sys_version = ""
    disable_nagle_algorithm = True
    # The server that made this handler is always ours: narrowed here so that its app is typed.
    server: _Server  # pyright: ignore[reportIncompatibleVariableOverride]

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the fake's log is `FakeStability.requests`."""

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    def _serve(self) -> None:
        body = self._body()
        path = unquote(self.path.split("?", 1)[0])
        incoming = Incoming(self.command, path, Headers(self.headers.items()), body)
        reply = self.server.app.handle(incoming)
        if reply.action == "drop_before_request":
            self._drop()
            return
        drain(body)
        if reply.delay and self.server.stopping.wait(reply.delay):
            self._drop()
            return
        if reply.action == "drop_after_request":
            self._drop()
            return
        self._write(reply)

    def _write(self, reply: Reply) -> None:
        length = body_length(reply.body)
        self.send_response(reply.status)
        for name, value in reply.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(length))
        self.end_headers()
        if self.command == "HEAD":
            return
        if reply.action == "truncated_body":
            left = length // 2
            for chunk in iter_body(reply.body):
                if left <= 0:
                    break
                self.wfile.write(chunk[:left])
                left -= len(chunk)
            self._drop()
            return
        for chunk in iter_body(reply.body):
            self.wfile.write(chunk)

    def _drop(self) -> None:
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _body(self) -> Iterator[bytes]:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._chunked()
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self.close_connection = True
            length = 0
        return self._sized(length)

    def _sized(self, length: int) -> Iterator[bytes]:
        while length > 0:
            chunk = self.rfile.read(min(length, READ_CHUNK))
            if not chunk:
                raise ConnectionError("the client closed the connection mid-body")
            length -= len(chunk)
            yield chunk

    def _chunked(self) -> Iterator[bytes]:
        while True:
            size_line = self.rfile.readline(1024)
            if not size_line:
                raise ConnectionError("the client closed the connection mid-body")
            size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return
            yield from self._sized(size)
            self.rfile.readline(1024)


class SocketServer:
    """Runs the app on a loopback (or given) address in a background thread."""

    def __init__(self, app: App, host: str, port: int) -> None:
        self._server = _Server((host, port), app)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="stability-fake", daemon=True
        )
        self._thread.start()

    @property
    def host(self) -> str:
        return self._server.server_name

    @property
    def port(self) -> int:
        return self._server.server_port

    @property
    def connections_opened(self) -> int:
        return self._server.connections_opened

    def reset_counters(self) -> None:
        self._server.connections_opened = 0

    def stop(self) -> None:
        self._server.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._server.close_connections(timeout=5.0)
        self._thread.join()
