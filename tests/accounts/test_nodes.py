"""Relay node/nodes apply each type's scope: another user's object answers null, like a missing one."""

from strawberry import relay

from .factories import CustomerFactory

NODE = "query N($id: ID!) { node(id: $id) { id ... on Customer { name maskedIdNumber } } }"
NODES = "query N($ids: [ID!]!) { nodes(ids: $ids) { id } }"


def test_node_returns_own_customer_and_null_for_others(gql, customer):
    other = CustomerFactory(user__phone="13800000099")
    gql.login("13800000011")
    own_id = str(relay.GlobalID("Customer", str(customer.pk)))
    other_id = str(relay.GlobalID("Customer", str(other.pk)))
    missing_id = str(relay.GlobalID("Customer", "999999"))

    own = gql(NODE, {"id": own_id})["data"]["node"]
    assert own["name"] == customer.name and customer.id_number not in own["maskedIdNumber"]
    assert gql(NODE, {"id": other_id}) == gql(NODE, {"id": missing_id}) == {"data": {"node": None}}
    assert gql(NODES, {"ids": [own_id, other_id, missing_id]})["data"]["nodes"] == [
        {"id": own_id},
        None,
        None,
    ]


def test_staff_see_a_customer_only_while_handling_them_and_anonymous_none(gql, customer, staff):
    from chat.models import Conversation, ConversationStatus
    from chat.services import messages
    from operations.services.staff import staff_profile_set

    cid = str(relay.GlobalID("Customer", str(customer.pk)))
    assert gql(NODE, {"id": cid})["data"]["node"] is None
    gql.login("13700000011")
    assert gql(NODE, {"id": cid})["data"]["node"] is None  # no task or chat about them

    conversation = messages.conversation_start(customer=customer)
    Conversation.objects.filter(pk=conversation.pk).update(
        status=ConversationStatus.ACTIVE, assigned_staff=staff.user
    )
    assert gql(NODE, {"id": cid})["data"]["node"]["name"] == customer.name

    Conversation.objects.filter(pk=conversation.pk).update(status=ConversationStatus.CLOSED)
    assert gql(NODE, {"id": cid})["data"]["node"] is None
    staff_profile_set(user=staff.user, roles=["supervisor"])  # supervisors oversee everyone
    assert gql(NODE, {"id": cid})["data"]["node"]["name"] == customer.name
