"""How fields of model types resolve: plain loaded columns as strawberry basic fields, everything
else through strawberry-django; the optimizer without a per-field middleware."""

from unittest import mock

import pytest
from strawberry_django.fields.field import StrawberryDjangoField

from config.schema import schema
from core.graphql.extensions import FieldOptimizer
from core.graphql.fields import ColumnField
from policies.graphql.types import PolicyType
from policies.models import Policy
from tests.policies.factories import PolicyFactory

MY_NUMBERS = "query { myPolicies(first: 10) { edges { node { number premium status product { code } } } } }"


def _field(type_, name):
    return next(f for f in type_.__strawberry_definition__.fields if f.python_name == name)


def test_plain_columns_are_basic_and_relations_and_resolvers_are_not():
    assert _field(PolicyType, "number").is_basic_field
    assert _field(PolicyType, "premium").is_basic_field
    assert not _field(PolicyType, "product").is_basic_field  # a relation
    assert _field(PolicyType, "status").is_basic_field  # a choices column, served as its enum
    assert not _field(PolicyType, "cash_value").is_basic_field  # a resolver of its own
    assert not _field(PolicyType, "loans").is_basic_field


def test_a_deferred_column_is_still_read(db, owner):
    policy = PolicyFactory(holder=owner)
    deferred = Policy.objects.only("pk").get(pk=policy.pk)
    assert "number" not in deferred.__dict__

    assert _field(PolicyType, "number").get_result(deferred, None, [], {}) == policy.number


def test_a_policy_list_reads_plain_columns_without_strawberry_djangos_resolver(gql, owner):
    """The basic path reads the loaded value; strawberry-django's resolver runs only for the fields
    that need it (relations, resolvers), so a list's cost per column is one call."""
    PolicyFactory(holder=owner)
    PolicyFactory(holder=owner)
    gql.login("13800000011")
    calls = []
    full_path = StrawberryDjangoField.get_result

    def spy(self, source, info, args, kwargs):
        calls.append((self.python_name, info is None))
        return full_path(self, source, info, args, kwargs)

    with mock.patch.object(StrawberryDjangoField, "get_result", spy):
        edges = gql(MY_NUMBERS)["data"]["myPolicies"]["edges"]

    assert len(edges) == 2 and all(edge["node"]["number"] for edge in edges)
    assert edges[0]["node"]["status"] == "IN_FORCE"
    assert "product" in {name for name, _ in calls}
    assert not {"number", "premium", "status"} & {name for name, _ in calls}
    assert isinstance(_field(PolicyType, "number"), ColumnField)


def test_the_optimizer_is_not_a_per_field_middleware():
    assert not FieldOptimizer._implements_resolve()
    extensions = [extension() for extension in schema.extensions]
    assert any(isinstance(extension, FieldOptimizer) for extension in extensions)
    assert not schema._get_middleware_manager(extensions).middlewares


@pytest.fixture
def owner(db):
    from tests.accounts.factories import CustomerFactory

    return CustomerFactory(user__phone="13800000011")
