from datetime import datetime

import strawberry_django
from django.conf import settings
from django.utils.translation import get_language
from strawberry import relay

from core.speech import speakable
from reminders import models


@strawberry_django.type(models.Notification, name="Notification")
class NotificationType(relay.Node):
    kind: str
    title: str
    body: str
    marketing: bool
    created_at: datetime
    read_at: datetime | None

    @strawberry_django.field(only=["title", "body"])
    def read_aloud_text(self) -> str:
        language = get_language() or settings.LANGUAGE_CODE
        separator = ". " if language.startswith("en") else "。"
        return speakable(f"{self.title}{separator}{self.body}", language)

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        viewer = info.context.viewer
        return queryset.filter(user=viewer) if viewer is not None else queryset.none()
