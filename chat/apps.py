from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    name = "chat"
    verbose_name = _("Chat")

    def ready(self) -> None:
        from operations.models import TaskKind
        from operations.services.completion import completion_register
        from operations.signals import staff_available, staff_went_offline

        from . import selectors
        from .services import queue, staff

        def hand_back(sender, *, user, now, **kwargs) -> None:
            staff.chats_hand_back(user=user, now=now)

        def give_chats(sender, *, user, **kwargs) -> None:
            queue.conversations_assign()

        staff_went_offline.connect(hand_back, dispatch_uid="chat.hand_back", weak=False)
        staff_available.connect(give_chats, dispatch_uid="chat.give_chats", weak=False)
        completion_register(
            TaskKind.LEFT_MESSAGE_CALLBACK,
            run=queue.left_message_followed_up,
            call_number=lambda task: selectors.left_message_callback_phone(conversation_id=task.subject_id),
        )
