"""Facts of the transport layer that apps act on (core imports no app)."""

from django.dispatch import Signal

# Sent with `user_id` when an authenticated websocket closes (the page was closed, the network went,
# or the token ended): the pool treats a staff member's silence as starting now.
socket_closed = Signal()
