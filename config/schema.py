"""The root GraphQL schema: each app's Query, Mutation and Subscription merged into one."""

from decimal import Decimal

import strawberry
from django.conf import settings
from strawberry import relay
from strawberry.extensions import MaxTokensLimiter, ValidationCache
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import Info

from accounts.graphql import schema as accounts_schema
from chat.graphql import mutations as chat_mutations
from chat.graphql import queries as chat_queries
from chat.graphql import subscriptions as chat_subscriptions
from core.graphql.executor import EventScopedExecutor
from core.graphql.extensions import (
    CachedParse,
    ErrorCodes,
    FieldOptimizer,
    IntrospectionBySettings,
    QueryLimitsBySettings,
)
from core.graphql.glossary import describe_schema
from core.graphql.nodes import pin_node_id_attrs
from core.graphql.scalars import DecimalScalar, Rate, RateScalar
from elder_mode.graphql import schema as elder_schema
from feedback.graphql import mutations as feedback_mutations
from feedback.graphql import queries as feedback_queries
from new_business.graphql import mutations as new_business_mutations
from new_business.graphql import queries as new_business_queries
from new_business.graphql import subscriptions as new_business_subscriptions
from operations.graphql import mutations as operations_mutations
from operations.graphql import queries as operations_queries
from policies.graphql import mutations as policies_mutations
from policies.graphql import queries as policies_queries
from reminders.graphql import schema as reminders_schema


@strawberry.type
class NodeQuery:
    @strawberry.field(
        description="Fetch any object by its global id; others' objects answer null like missing ones."
    )
    def node(self, info: Info, id: relay.GlobalID) -> relay.Node | None:
        return id.resolve_node_sync(info, required=False)

    @strawberry.field(
        description="Fetch several objects by global id, in order; what the viewer may not see is null."
    )
    def nodes(self, info: Info, ids: list[relay.GlobalID]) -> list[relay.Node | None]:
        if len(ids) > 100:
            from core.graphql.errors import BadUserInput

            raise BadUserInput()
        return [gid.resolve_node_sync(info, required=False) for gid in ids]


Query = merge_types(
    "Query",
    (
        NodeQuery,
        accounts_schema.Query,
        policies_queries.Query,
        elder_schema.Query,
        reminders_schema.Query,
        chat_queries.Query,
        operations_queries.Query,
        feedback_queries.Query,
        new_business_queries.Query,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        accounts_schema.Mutation,
        policies_mutations.Mutation,
        elder_schema.Mutation,
        reminders_schema.Mutation,
        chat_mutations.Mutation,
        operations_mutations.Mutation,
        feedback_mutations.Mutation,
        new_business_mutations.Mutation,
    ),
)
Subscription = merge_types(
    "Subscription",
    (accounts_schema.Subscription, chat_subscriptions.Subscription, new_business_subscriptions.Subscription),
)

schema = strawberry.Schema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    config=StrawberryConfig(scalar_map={Decimal: DecimalScalar, Rate: RateScalar}),
    execution_context_class=EventScopedExecutor,
    extensions=[
        ErrorCodes,
        IntrospectionBySettings,
        QueryLimitsBySettings,
        lambda: MaxTokensLimiter(max_token_count=settings.GRAPHQL_MAX_TOKENS),
        # Parsed documents (keyed by text and the token limit), bounded against unique-text floods.
        lambda: CachedParse(maxsize=256),
        # Validation results per (document, rules): the apps repeat the same documents.
        lambda: ValidationCache(maxsize=256),
        FieldOptimizer,
    ],
)

# Descriptions for app developers (types and fields that do not carry their own).
describe_schema(schema._schema)
pin_node_id_attrs(schema)
