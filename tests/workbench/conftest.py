"""The workbench in headless Chromium against real uvicorn processes (PostgreSQL, Redis)."""

import json
import os
import threading
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from strawberry import relay

from accounts import services as account_services
from chat.demo import seed_chat
from tests.accounts.factories import CustomerFactory, StaffFactory
from tests.servers import CHROMIUM, CHROMIUM_ARGS, ROOT, asgi_server_set, chromium_required

# Screenshots of every screen the tests pass through, to look at (CI keeps them with its output).
SHOTS = Path(os.environ.get("WORKBENCH_SCREENSHOTS", ROOT / "test-output" / "workbench"))


@pytest.fixture
def server(postgres, redis_url):
    chromium_required()
    seed_chat()
    with asgi_server_set(1) as (one,):
        yield one


@pytest.fixture
def customer(db):
    return CustomerFactory(user__phone="13800000091", name="王丽华", birth_date=date(1986, 5, 1))


@pytest.fixture
def elder(db):
    return CustomerFactory(user__phone="13800000092", name="李秀英", birth_date=date(1950, 3, 1))


@pytest.fixture
def desk(db):
    return StaffFactory(user__phone="13700000091", name="陈静", roles=["desk"])


@pytest.fixture
def reviewer(db):
    return StaffFactory(user__phone="13700000092", name="黄嘉欣", roles=["reviewer", "callback"])


@pytest.fixture
def reviewer_b(db):
    return StaffFactory(user__phone="13700000093", name="林晓", roles=["reviewer"])


@pytest.fixture
def supervisor(db):
    return StaffFactory(user__phone="13700000094", name="周敏", roles=["supervisor", "qa"])


class LazyBrowser:
    """Chromium, started when the first page opens: the test's data is set up before Playwright's
    event loop runs on this thread (after that, services that broadcast go through `off_loop`)."""

    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch
        self.playwright = None
        self.chromium = None

    def new_context(self, **kwargs):
        if self.chromium is None:
            from playwright.sync_api import sync_playwright

            # Playwright's sync API keeps an event loop on this thread; the test's own ORM reads stay
            # synchronous and ordered with the page's steps, which is what Django's guard is about.
            self.monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
            self.playwright = sync_playwright().start()
            self.chromium = self.playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
        return self.chromium.new_context(**kwargs)

    def stop(self) -> None:
        if self.chromium is not None:
            self.chromium.close()
            self.playwright.stop()


@pytest.fixture
def browser(monkeypatch):
    lazy = LazyBrowser(monkeypatch)
    yield lazy
    lazy.stop()


def off_loop(fn, /, *args, **kwargs):
    """Run a service that broadcasts over the channel layer (async_to_sync) off the thread where
    Playwright's event loop runs; its database connection is closed when it is done."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    def run():
        try:
            return fn(*args, **kwargs)
        finally:
            connection.close()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()


class Desk:
    """A workbench page logged in as one staff member; `shot()` keeps a screenshot of each screen."""

    def __init__(self, browser, port: int, name: str):
        self.context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        self.page = self.context.new_page()
        self.port = port
        self.name = name
        self.errors: list[str] = []
        self.closed = False
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def login(self, phone: str) -> "Desk":
        page = self.page
        page.goto(f"http://127.0.0.1:{self.port}/console/")
        page.get_by_test_id("phone").fill(phone)
        page.get_by_test_id("password").fill("demo12345")
        page.get_by_test_id("login").click()
        page.locator("[data-testid=connection][data-state=up]").wait_for()
        return self

    def go_online(self) -> None:
        self.page.get_by_test_id("availability").select_option("ONLINE")
        self.page.locator("body[data-availability=ONLINE]").wait_for()

    def shot(self, step: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{self.name}-{step}.png"))

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.context.close()


@pytest.fixture
def open_desk(browser, server):
    pages: list[Desk] = []

    def opener(name: str, phone: str) -> Desk:
        desk = Desk(browser, server.port, name).login(phone)
        pages.append(desk)
        return desk

    yield opener
    for desk in pages:
        assert desk.errors == [], desk.errors  # no script error on any page
        desk.close()


def access_token(user) -> str:
    return account_services._session_start(user=user, client_ip="127.0.0.1", user_agent="t").access_token


def gid(type_name: str, pk: int) -> str:
    return str(relay.GlobalID(type_name, str(pk)))


@contextmanager
def customer_socket(port: int, user, conversation_id: int):
    """The customer's app subscribed to its conversation; yields the list of events received."""
    from websockets.sync.client import connect

    received: list[dict] = []
    ready = threading.Event()
    token = access_token(user)
    # Opened here and closed here: the listener blocks in recv() until the socket closes, so nothing
    # relies on a timed wait firing (the night run's libfaketime makes those unreliable in threads).
    ws = connect(f"ws://127.0.0.1:{port}/graphql/", subprotocols=["graphql-transport-ws"])
    ws.send(json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}))
    assert json.loads(ws.recv())["type"] == "connection_ack"
    query = (
        "subscription($id: ID!) { chatEvents(conversationId: $id, afterSeq: 0) "
        "{ type message { seq senderKind body } } }"
    )
    variables = {"id": gid("Conversation", conversation_id)}
    ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query, "variables": variables}}))

    def listen():
        from websockets.exceptions import ConnectionClosed

        ready.set()
        try:
            while True:
                frame = json.loads(ws.recv())
                if frame.get("type") == "next":
                    received.append(frame["payload"]["data"]["chatEvents"])
        except ConnectionClosed:
            return

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    ready.wait()
    try:
        yield received
    finally:
        ws.close()
        thread.join()


def wait_until(condition, timeout: float = 30.0):
    """Poll a condition on the database or a socket (another process acts), bounded by `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.1)
