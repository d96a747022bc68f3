"""Chat actions, one module per concern: messages, the queue, the service desk, the end of a chat
(common holds the locking and the gap-free message log they share)."""
