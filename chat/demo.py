"""The bot's FAQ (chat.faq) and the desk's canned responses, created once."""

from .faq import FAQ
from .models import CannedResponse, FaqEntry

CANNED = [
    ("问候", "您好，我是暖心客服，很高兴为您服务。"),
    ("稍等", "好的，请稍等，我为您查询一下。"),
    ("结束", "感谢您的耐心，还有其他可以帮您的吗？"),
]


def seed_chat() -> None:
    # Created once by key: what staff changed in the admin since stays as they left it.
    for entry in FAQ:
        FaqEntry.objects.get_or_create(key=entry["key"], defaults=entry)
    for title, body in CANNED:
        CannedResponse.objects.get_or_create(title=title, defaults={"body": body})
