"""With REQUIRE_SERVICES=1: two ASGI server processes share chat events through Redis."""

import asyncio
import json

import pytest
import websockets
from strawberry import relay

from accounts import services as account_services
from chat.models import Conversation, ConversationStatus
from chat.services import messages
from tests.servers import asgi_servers

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def two_servers(redis_url, postgres):
    with asgi_servers(2, REDIS_URL=redis_url) as ports:
        yield ports


def test_message_sent_through_one_process_reaches_a_subscriber_on_the_other(two_servers, customer, staff_a):
    import urllib.request

    conversation = messages.conversation_start(customer=customer)
    Conversation.objects.filter(pk=conversation.pk).update(
        status=ConversationStatus.ACTIVE, assigned_staff=staff_a.user
    )
    customer_token = account_services._session_start(
        user=customer.user, client_ip="127.0.0.1", user_agent="t"
    ).access_token
    staff_token = account_services._session_start(
        user=staff_a.user, client_ip="127.0.0.1", user_agent="t"
    ).access_token
    gid = str(relay.GlobalID("Conversation", str(conversation.pk)))
    subscriber_port, sender_port = two_servers

    async def scenario():
        uri = f"ws://127.0.0.1:{subscriber_port}/graphql/"
        async with websockets.connect(uri, subprotocols=["graphql-transport-ws"]) as ws:
            await ws.send(
                json.dumps(
                    {"type": "connection_init", "payload": {"authorization": f"Bearer {customer_token}"}}
                )
            )
            assert json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] == "connection_ack"
            query = "subscription($id: ID!) { chatEvents(conversationId: $id, afterSeq: 1) { type message { seq body senderKind } } }"
            await ws.send(
                json.dumps(
                    {"id": "1", "type": "subscribe", "payload": {"query": query, "variables": {"id": gid}}}
                )
            )

            def send_via_other_process():
                body = json.dumps(
                    {
                        "query": "mutation($i: SendChatMessageInput!) { sendChatMessage(input: $i) { message { seq } errors { code } } }",
                        "variables": {
                            "i": {"conversationId": gid, "body": "来自另一个进程", "clientMessageId": "x-1"}
                        },
                    }
                ).encode()
                request = urllib.request.Request(
                    f"http://127.0.0.1:{sender_port}/graphql/",
                    data=body,
                    headers={"Content-Type": "application/json", "Authorization": f"Bearer {staff_token}"},
                )
                return json.loads(urllib.request.urlopen(request, timeout=10).read())

            # Sent right away: stored before it is broadcast, it arrives live or by replay, exactly once.
            sent = await asyncio.to_thread(send_via_other_process)
            assert sent["data"]["sendChatMessage"]["errors"] == []
            event = json.loads(await asyncio.wait_for(ws.recv(), 10))
            return event["payload"]["data"]["chatEvents"]

    event = asyncio.run(scenario())
    assert event["type"] == "MESSAGE"
    assert (event["message"]["seq"], event["message"]["body"], event["message"]["senderKind"]) == (
        2,
        "来自另一个进程",
        "STAFF",
    )
