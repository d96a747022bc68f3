"""The GraphQL executor, with a fix for long-lived subscriptions."""

from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext


class EventScopedExecutor(StrawberryGraphQLCoreExecutionContext):
    """Give each subscription event its own sub-field memo.

    graphql-core 3.3 copies the subscription's executor for every event but shares its memo of
    collected sub-fields, keyed by the identity of lists built afresh for each event (and kept
    alive on purpose). A chat subscription therefore grew by about 20 objects per message for as
    long as it stayed open; with 2,000 open chats a process's garbage collector paused for over half
    a second at a time.
    """

    def build_per_event_executor(self, payload):
        executor = super().build_per_event_executor(payload)
        executor._relevant_sub_fields = {}
        return executor
