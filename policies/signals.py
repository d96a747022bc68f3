"""Facts other apps react to, without policies knowing them (reminders depend on policies, never
the other way round)."""

from django.dispatch import Signal

# Sent inside the transaction that settled something a reminder may be about (a benefit claimed, a
# loan repaid, a debit authorized), with `policy_ids`: receivers re-check in that same transaction.
obligations_settled = Signal()


def obligations_settle(*, policy_ids) -> None:
    obligations_settled.send(sender="policies", policy_ids=sorted(set(policy_ids)))


# Sent with `request` when a servicing request is decided or ends: the customer is told (the inbox).
request_outcome_decided = Signal()


# Sent with `request` inside the transaction in which a servicing request became COMPLETED (by any
# path): voice of the customer surveys the touchpoint after commit.
request_completed = Signal()
