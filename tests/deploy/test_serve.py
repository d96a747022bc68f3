"""`make serve` end to end on PostgreSQL and a Redis of its own: nginx in front of two ASGI processes,
a worker and beat. Static files through nginx; readiness that follows Redis down and back; a login
and myPolicies through nginx; a chat message sent through either ASGI process reaching a subscriber
connected through nginx; Ctrl-C stops everything, closing websockets so the apps reconnect."""

import json
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from strawberry import relay

from chat.services import messages, queue
from tests.accounts.factories import CustomerFactory
from tests.policies.factories import PolicyFactory

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
LOGIN = """mutation($i: LoginInput!) { login(input: $i) { accessToken errors { code } } }"""
MY_POLICIES = "query { myPolicies(first: 10) { edges { node { number status } } } }"
SEND = (
    "mutation($i: SendChatMessageInput!) { sendChatMessage(input: $i) { message { seq } errors { code } } }"
)
CHAT_EVENTS = (
    "subscription($id: ID!) { chatEvents(conversationId: $id, afterSeq: 0) { type message { seq body } } }"
)


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _until(condition, timeout: float = 90.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return True
        except OSError:  # not up yet (requests errors are OSErrors too)
            pass
        time.sleep(0.2)  # polling another process's state with a deadline
    return False


@contextmanager
def own_redis():
    """A Redis for this test alone, so that it can be stopped and started again."""
    if not shutil.which("redis-server"):
        pytest.fail("redis-server is required (scripts/install-debian-packages.sh)")
    port = _port()
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]

    # Redis is not ours to put on the test clock (libfaketime makes it recurse in the night run).
    real_clock = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD" and not k.startswith("FAKETIME")}

    def start():
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, env=real_clock)
        assert _until(lambda: socket.create_connection(("127.0.0.1", port), timeout=1).close() is None, 30)
        return process

    state = {"process": start()}

    def stop():
        state["process"].terminate()
        state["process"].wait(timeout=30)

    def restart():
        state["process"] = start()

    try:
        yield port, stop, restart
    finally:
        if state["process"].poll() is None:
            stop()


@pytest.fixture
def serve(postgres):
    if not Path("/usr/sbin/nginx").exists():
        pytest.fail("nginx is required (scripts/install-debian-packages.sh)")
    db = connection.settings_dict
    with own_redis() as (redis_port, stop_redis, restart_redis), _tmp_dir() as var:
        port = _port()
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))},
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
            "SECRET_KEY": "serve-e2e-" + "k" * 50,
            "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
            "PORT": str(port),
            "ASGI_PORT_1": str(_port()),
            "ASGI_PORT_2": str(_port()),
            "SERVE_DIR": str(var),
            "LOG_LEVEL": "WARNING",
        }
        process = subprocess.Popen(
            ["make", "serve"],
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        output: list[str] = []
        reader = threading.Thread(target=lambda: output.extend(process.stdout), daemon=True)
        reader.start()
        base = f"http://127.0.0.1:{port}"
        try:
            assert _until(lambda: requests.get(f"{base}/healthz/ready", timeout=5).status_code == 200), (
                output[-40:]
            )
            yield {
                "base": base,
                "process": process,
                "output": output,
                "reader": reader,
                "var": var,
                "asgi_ports": (int(env["ASGI_PORT_1"]), int(env["ASGI_PORT_2"])),
                "stop_redis": stop_redis,
                "restart_redis": restart_redis,
            }
        finally:
            if process.poll() is None:
                # Stopped as an operator would (serve stops its processes in order), killed if stuck.
                os.killpg(process.pid, signal.SIGINT)
                try:
                    process.wait(timeout=90)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()


@contextmanager
def _tmp_dir():
    import tempfile

    path = Path(tempfile.mkdtemp(prefix="nuanxin-serve-"))
    path.chmod(0o755)  # nginx workers (nobody, under root) read the static files from here
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _graphql(url: str, query: str, variables: dict | None = None, token: str | None = None) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = requests.post(
        url, json={"query": query, "variables": variables or {}}, headers=headers, timeout=30
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_the_production_process_set_end_to_end(serve):
    customer = CustomerFactory(user__phone="13800000091", name="孙丽")
    # Production hashes passwords with PBKDF2 (the tests' fast MD5 hasher is not enabled there).
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    customer.user.password = PBKDF2PasswordHasher().encode("demo12345", "e2esalt0123456789")
    customer.user.save(update_fields=["password"])
    PolicyFactory(holder=customer, number="TP0000000091")
    conversation = messages.conversation_start(customer=customer, topic="续期")
    # Waiting for a person: the set's beat runs on the wall clock, to which this chat, started on the
    # business clock, looks weeks idle; "Close idle chats" (every minute) closed it mid-test. A chat
    # in the queue is never closed for silence.
    conversation = queue.human_request(conversation=conversation)
    base = serve["base"]
    # Production runs only the operations the apps shipped with: register the ones used here.
    operations = Path(serve["var"]) / "operations"
    operations.mkdir()
    for name, document in (("my_policies", MY_POLICIES), ("send", SEND), ("chat_events", CHAT_EVENTS)):
        (operations / f"{name}.graphql").write_text(document)
    call_command("register_operations", str(operations), client="customer-app")

    # Static files come from nginx, with their type.
    css = requests.get(f"{base}/static/admin/css/base.css", timeout=10)
    assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css")

    # Readiness follows Redis: down is 503 (and says why), back is 200.
    serve["stop_redis"]()
    assert _until(lambda: requests.get(f"{base}/healthz/ready", timeout=10).status_code == 503, 30)
    assert "redis" in requests.get(f"{base}/healthz/ready", timeout=10).json()
    serve["restart_redis"]()
    assert _until(lambda: requests.get(f"{base}/healthz/ready", timeout=10).status_code == 200, 60)

    # A login and myPolicies through nginx.
    login = _graphql(f"{base}/graphql/", LOGIN, {"i": {"phone": "13800000091", "password": "demo12345"}})
    assert login["data"]["login"]["errors"] == [], login
    token = login["data"]["login"]["accessToken"]
    policies = _graphql(f"{base}/graphql/", MY_POLICIES, token=token)["data"]["myPolicies"]["edges"]
    assert [edge["node"]["number"] for edge in policies] == ["TP0000000091"]

    # A subscriber through nginx hears messages sent through either ASGI process (one is the other one).
    from websockets.sync.client import connect

    ws = connect(f"ws://{base.removeprefix('http://')}/graphql/", subprotocols=["graphql-transport-ws"])
    # The client offers per-message compression; the servers decline it: its state cost ~50 KB a
    # socket (a zlib compressor and decompressor each) for messages of a few hundred bytes.
    assert "permessage-deflate" not in (ws.response.headers.get("Sec-WebSocket-Extensions") or "")
    ws.send(json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}))
    assert json.loads(ws.recv())["type"] == "connection_ack"
    conversation_id = str(relay.GlobalID("Conversation", str(conversation.pk)))
    query = "subscription($id: ID!) { chatEvents(conversationId: $id, afterSeq: 0) { type message { seq body } } }"
    ws.send(
        json.dumps(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {"query": query, "variables": {"id": conversation_id}},
            }
        )
    )
    bodies: list[str] = []
    closed: dict = {}

    def listen():
        from websockets.exceptions import ConnectionClosed

        try:
            while True:
                frame = json.loads(ws.recv())
                if frame.get("type") == "next" and frame["payload"]["data"]["chatEvents"]["message"]:
                    bodies.append(frame["payload"]["data"]["chatEvents"]["message"]["body"])
        except ConnectionClosed as exc:
            closed["code"] = exc.rcvd.code if exc.rcvd else None

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    assert _until(lambda: bool(bodies), 30)  # the greeting replayed: the subscription is live
    for index, asgi_port in enumerate(serve["asgi_ports"]):
        sent = _graphql(
            f"http://127.0.0.1:{asgi_port}/graphql/",
            SEND,
            {
                "i": {
                    "conversationId": conversation_id,
                    "body": f"经由进程{index + 1}",
                    "clientMessageId": f"e2e-{index}",
                }
            },
            token=token,
        )
        assert sent["data"]["sendChatMessage"]["errors"] == []
    assert _until(lambda: {"经由进程1", "经由进程2"} <= set(bodies), 30), bodies

    # Metrics of both processes as one set, for the monitoring system on this machine.
    scraped = requests.get(f"{base}/metrics", timeout=10).text
    assert "nuanxin_websocket_connections 1.0" in scraped
    assert 'nuanxin_graphql_request_seconds_count{operation="anonymous"}' in scraped

    # Ctrl-C: everything stops cleanly; the open websocket is closed with a code that says reconnect.
    os.killpg(serve["process"].pid, signal.SIGINT)
    # make dies of the SIGINT as a shell job does; serve itself stops its processes in order and
    # exits 0. Its output closes once every process it started has exited.
    assert serve["process"].wait(timeout=90) in (0, -signal.SIGINT)
    serve["reader"].join(timeout=90)
    assert not serve["reader"].is_alive(), "a process of the set is still running"
    listener.join(timeout=30)
    assert closed.get("code") in (1001, 1012), closed
    log = "".join(serve["output"])
    for name in ("web1", "web2", "nginx", "worker", "beat"):
        assert f"serve: {name} stopped" in log
    assert "killed" not in log and "exited with" not in log
