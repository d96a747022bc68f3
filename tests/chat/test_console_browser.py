"""The staff console in headless Chromium: a staff member accepts a queued chat and replies, and the
customer's subscription receives the reply. Needs PostgreSQL (the server is another process) and
Debian's chromium (installed by .ci/run, or `make browser`)."""

import json
import threading
import time

import pytest
from strawberry import relay

from accounts import services as account_services
from chat.models import Conversation, ConversationStatus
from chat.services import messages, queue
from tests.servers import CHROMIUM, CHROMIUM_ARGS, asgi_servers, chromium_required

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def server(postgres):
    chromium_required()
    with asgi_servers(1) as (port,):
        yield port


def _customer_listener(
    port: int,
    token: str,
    conversation_gid: str,
    received: list,
    ready: threading.Event,
    done: threading.Event,
):
    from websockets.sync.client import connect

    with connect(f"ws://127.0.0.1:{port}/graphql/", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send(json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}))
        assert json.loads(ws.recv(timeout=10))["type"] == "connection_ack"
        query = "subscription($id: ID!) { chatEvents(conversationId: $id, afterSeq: 0) { type message { senderKind body } } }"
        ws.send(
            json.dumps(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {"query": query, "variables": {"id": conversation_gid}},
                }
            )
        )
        ready.set()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            event = json.loads(ws.recv(timeout=60))["payload"]["data"]["chatEvents"]
            received.append(event)
            if event["type"] == "MESSAGE" and event["message"]["senderKind"] == "STAFF":
                break
    done.set()


def test_staff_accepts_a_queued_chat_and_the_customer_receives_the_reply(server, customer, staff_a):
    from chat.demo import seed_chat

    seed_chat()
    conversation = messages.conversation_start(customer=customer)
    queue.human_request(conversation=conversation)
    assert Conversation.objects.get().status == ConversationStatus.QUEUED
    token = account_services._session_start(
        user=customer.user, client_ip="127.0.0.1", user_agent="t"
    ).access_token
    gid = str(relay.GlobalID("Conversation", str(conversation.pk)))
    received, ready, done = [], threading.Event(), threading.Event()
    listener = threading.Thread(
        target=_customer_listener, args=(server, token, gid, received, ready, done), daemon=True
    )
    listener.start()
    assert ready.wait(30)

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{server}/console/")
        page.get_by_test_id("phone").fill("13700000081")
        page.get_by_test_id("password").fill("demo12345")
        page.get_by_test_id("login").click()
        page.get_by_test_id("accept").first.click()
        page.get_by_test_id("transcript").get_by_text(
            "陈静"
        ).wait_for()  # the system's "is here to help" line
        page.get_by_test_id("canned-response").filter(has_text="问候").click()
        page.get_by_test_id("send").click()
        page.get_by_test_id("transcript").locator(".msg-STAFF").wait_for()
        browser.close()

    assert done.wait(30)
    staff_messages = [
        e["message"]["body"]
        for e in received
        if e["type"] == "MESSAGE" and e["message"]["senderKind"] == "STAFF"
    ]
    assert staff_messages == ["您好，我是暖心客服，很高兴为您服务。"]
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.ACTIVE and conversation.assigned_staff == staff_a.user
