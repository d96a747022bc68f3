"""Every object with an id is a Relay Node (DESIGN.md), and `node(id:)` applies its scope."""

import pytest
from graphql import GraphQLNonNull, GraphQLObjectType, get_named_type
from strawberry import relay

from chat.demo import seed_chat
from chat.models import CannedResponse, Message
from chat.services import messages as chat_messages
from elder_mode.demo import seed_risk_notices
from elder_mode.models import RiskNotice
from tests.accounts.factories import CustomerFactory, StaffFactory
from tests.schema_ops import GRAPHQL_SCHEMA

NODE = "query N($id: ID!) { node(id: $id) { __typename id } }"


def test_every_object_type_with_an_id_implements_node():
    node = GRAPHQL_SCHEMA.get_type("Node")
    not_nodes = [
        name
        for name, type_ in GRAPHQL_SCHEMA.type_map.items()
        if isinstance(type_, GraphQLObjectType)
        and not name.startswith("__")
        and "id" in type_.fields
        and get_named_type(type_.fields["id"].type).name == "ID"
        and isinstance(type_.fields["id"].type, GraphQLNonNull)
        and node not in type_.interfaces
    ]
    assert not_nodes == []


@pytest.fixture
def chat_objects(db):
    seed_chat()
    seed_risk_notices()
    customer = CustomerFactory(user__phone="13800000041")
    conversation = chat_messages.conversation_start(customer=customer)
    colleague = StaffFactory(user__phone="13700000042")
    return {
        "Conversation": conversation.pk,
        "ChatMessage": Message.objects.filter(conversation=conversation).first().pk,
        "RiskNotice": RiskNotice.objects.first().pk,
        "CannedResponse": CannedResponse.objects.first().pk,
        "Colleague": colleague.user.pk,
    }


@pytest.mark.parametrize(
    ("type_name", "owner_sees", "stranger_sees", "staff_sees"),
    [
        # A customer's chat with the bot is theirs alone until it is queued for a person.
        ("Conversation", True, False, False),
        ("ChatMessage", True, False, False),
        ("RiskNotice", True, True, True),
        ("CannedResponse", False, False, True),
        ("Colleague", False, False, True),
    ],
)
def test_node_resolves_chat_and_elder_objects_within_scope(
    gql, chat_objects, type_name, owner_sees, stranger_sees, staff_sees
):
    CustomerFactory(user__phone="13800000043")
    StaffFactory(user__phone="13700000041")
    gid = str(relay.GlobalID(type_name, str(chat_objects[type_name])))
    seen = {}
    for who, phone in (("owner", "13800000041"), ("stranger", "13800000043"), ("staff", "13700000041")):
        gql.login(phone)
        result = gql(NODE, {"id": gid})
        assert "errors" not in result, result
        seen[who] = result["data"]["node"] is not None
        if seen[who]:
            assert result["data"]["node"] == {"__typename": type_name, "id": gid}
    assert seen == {"owner": owner_sees, "stranger": stranger_sees, "staff": staff_sees}
