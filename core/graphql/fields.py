"""Model types whose plain columns resolve as plainly as they are.

strawberry-django gives every field of a model type its own resolver chain (strawberry's info
object, argument handling, extension wrapping, then its cached-value lookup), because some fields
need it: relations, deferred columns read from async code, custom resolvers. A plain column that
the query loaded needs none of it, and a policy list resolves thousands of them per response.
`model_type` builds types whose plain, loaded columns strawberry resolves as basic fields.
"""

import functools

import strawberry_django
from django.db.models.query_utils import DeferredAttribute
from strawberry_django.fields.field import StrawberryDjangoField


class ColumnField(StrawberryDjangoField):
    @property
    def is_basic_field(self) -> bool:
        """A model column with no resolver, arguments, permissions or extensions of its own."""
        if (
            self.base_resolver is not None
            or self.is_relation
            or self.permission_classes
            or self.extensions
            or self.arguments
            or self.origin_django_type is None
        ):
            return False
        attribute = getattr(self.origin_django_type.model, self.django_name or self.python_name, None)
        # Exactly the plain descriptor: subclasses (files, images) wrap the value when read.
        return type(attribute) is DeferredAttribute

    def get_result(self, source, info, args, kwargs):
        if info is None and source is not None:  # strawberry's basic-field path
            try:
                # The column as loaded; a deferred one (not in the query) takes the full path,
                # which reads it in the right sync or async way.
                return source.__dict__[self.django_name or self.python_name]
            except KeyError:
                pass
        return super().get_result(source, info, args, kwargs)


model_type = functools.partial(strawberry_django.type, field_cls=ColumnField)
