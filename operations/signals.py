"""Facts of the pool that apps above it act on, in the same transaction (operations never imports
them)."""

from django.dispatch import Signal

# Sent with `user` and `now` inside the transaction that made a person OFFLINE (chosen or missed
# heartbeats): the chat desk hands that person's chats back to the front of its queue.
staff_went_offline = Signal()

# Sent with `user` when a person becomes ONLINE or has room again: the chat desk may give them chats.
staff_available = Signal()

# Sent with `viewer` and `customer` each time a staff member opens a customer's details: the audit
# trail records the look.
customer_viewed = Signal()

# Sent with `task` inside the transaction that finished it with an outcome (DONE): voice of the
# customer surveys a callback that reached the customer.
task_finished = Signal()

# Sent with `task` inside the transaction that gave it to a person (dispatch, accept, reassign): new
# business tells the agent an underwriter is on the application.
task_assigned = Signal()
