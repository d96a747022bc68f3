"""The pool's starting data: the six roles (groups) with only the permissions each needs, the office
and chat-desk hours, the SLAs of DESIGN.md, QA sampling, the Chinese public holidays of 2026 and
2027, and the chat desk's presence rows moved from the chat app."""

from django.db import migrations

from operations.defaults import defaults_install


def forwards(apps, schema_editor):
    defaults_install(apps)
    Group = apps.get_model("auth", "Group")
    # The chat desk's presence moves here; everyone who took chats keeps doing so (role `desk`).
    OldPresence = apps.get_model("chat", "StaffPresence")
    Presence = apps.get_model("operations", "StaffPresence")
    StaffSkill = apps.get_model("operations", "StaffSkill")
    desk = Group.objects.get(name="desk")
    for old in OldPresence.objects.all():
        Presence.objects.get_or_create(
            user_id=old.user_id, defaults={"status": "OFFLINE", "last_assigned_at": old.last_assigned_at}
        )
        StaffSkill.objects.get_or_create(user_id=old.user_id, skill="CHAT", defaults={"capacity": old.capacity})
        desk.user_set.add(old.user_id)


class Migration(migrations.Migration):
    dependencies = [
        ("operations", "0001_pool"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("chat", "0005_bot_keys_suggestions_language"),
        ("policies", "0006_personal_numbers_encrypted"),
        ("elder_mode", "0004_verbose_names_2"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
