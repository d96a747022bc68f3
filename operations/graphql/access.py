"""Client-sent ids resolved through the viewer's scope (selectors): another role's task, like a
missing one, is NOT_FOUND."""

from strawberry.types import Info

from core.graphql.ids import not_found, pk_of
from operations import models, selectors


def task_for(info: Info, gid, field: str = "taskId") -> models.Task:
    visible = selectors.task_scope(models.Task.objects.all(), viewer=info.context.viewer)
    task = visible.filter(pk=pk_of(gid, type_name="Task", field=field)).first()
    if task is None:
        raise not_found(field)
    return task


def colleague_for(info: Info, gid, field: str = "toStaffId"):
    user = selectors.colleague(pk=pk_of(gid, type_name="Colleague", field=field), viewer=info.context.viewer)
    if user is None:
        raise not_found(field)
    return user
