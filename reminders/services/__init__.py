"""Reminder actions: the daily scan, pushes, the inbox, the push outbox and the agents' digest."""

from .inbox import notification_create

__all__ = ["notification_create"]
