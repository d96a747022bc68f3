"""A local FCM-compatible HTTP endpoint (FCM HTTP v1 `messages:send`) for tests and benchmarks.

Run alone with `python -m reminders.fake_fcm PORT`; it never reaches Google.

Behaviour by token prefix: "unregistered" → 404 UNREGISTERED, "mismatch" → 403 SENDER_ID_MISMATCH,
"invalid" → 400 INVALID_ARGUMENT, "flaky-N-" → 503 for the first N requests of that token, then 200.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def _error(status: int, code: str, fcm_code: str | None) -> dict:
    details = (
        [{"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": fcm_code}]
        if fcm_code
        else []
    )
    return {"error": {"code": status, "message": f"simulated {code}", "status": code, "details": details}}


class FakeFcm:
    def __init__(self, port: int = 0, record: bool = True):
        self.record = record
        self.requests: list[dict] = []
        self.attempts: dict[str, int] = {}
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                status, payload = fake.respond(self.path, dict(self.headers), body)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def respond(self, path: str, headers: dict, body: dict) -> tuple[int, dict]:
        token = body.get("message", {}).get("token", "")
        with self.lock:
            if self.record:
                self.requests.append({"path": path, "headers": headers, "body": body})
            self.attempts[token] = self.attempts.get(token, 0) + 1
            attempt = self.attempts[token]
        if token.startswith("unregistered"):
            return 404, _error(404, "NOT_FOUND", "UNREGISTERED")
        if token.startswith("mismatch"):
            return 403, _error(403, "PERMISSION_DENIED", "SENDER_ID_MISMATCH")
        if token.startswith("invalid"):
            return 400, _error(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT")
        if token.startswith("flaky-"):
            failures = int(token.split("-")[1])
            if attempt <= failures:
                return 503, _error(503, "UNAVAILABLE", None)
        return 200, {"name": f"projects/nuanxin-local/messages/{attempt}-{token[-12:]}"}

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


async def _serve_fast(port: int) -> None:
    """Standalone mode for benchmarks: an asyncio keep-alive server answering every send with 200,
    lean enough that the sender, not the endpoint, is what gets measured."""
    import asyncio

    count = 0

    async def handle(reader, writer):
        nonlocal count
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                await reader.readexactly(length)
                count += 1
                body = b'{"name": "projects/nuanxin-local/messages/%d"}' % count
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
                    % (len(body), body)
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=1024)
    print(f"fake FCM on http://127.0.0.1:{port}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    import asyncio
    import sys

    asyncio.run(_serve_fast(int(sys.argv[1])))
