"""Facts of the chat desk that apps above it act on (chat never imports them)."""

from django.dispatch import Signal

# Sent with `conversation` inside the transaction that closed it (by staff, the customer's idleness
# or the system): voice of the customer may survey it after commit.
chat_closed = Signal()
