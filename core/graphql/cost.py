"""A cost limit per operation beside the depth and alias limits: every field requested costs 1 for
each time it will be resolved, so a list multiplies what is under it by its size — `first`/`last`
when the client gives them (a variable counts as the largest page), a plain list by a typical size."""

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    ValidationRule,
    get_named_type,
)

MAX_PAGE = 100  # relay connections refuse larger pages
PLAIN_LIST = 10  # a list field without paging (a policy's loans, a survey's questions)
COST_MESSAGE = "Operation cost"


def _page(field: FieldNode) -> int:
    for argument in field.arguments or ():
        if argument.name.value in ("first", "last"):
            if isinstance(argument.value, IntValueNode):
                return max(int(argument.value.value), 1)
            return MAX_PAGE  # a variable: the largest page it could be
    return MAX_PAGE


def _is_list(type_) -> bool:
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList)


def cost_validator(max_cost: int):
    class CostRule(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_args) -> None:
            schema = self.context.schema
            root = schema.get_root_type(node.operation)
            fragments = {
                f.name.value: f for f in self.context.document.definitions if hasattr(f, "type_condition")
            }
            total = self._cost(node.selection_set, root, 1, fragments, set())
            if total > max_cost:
                self.report_error(
                    GraphQLError(f"{COST_MESSAGE} {total} exceeds the limit of {max_cost}.", node)
                )

        def _cost(self, selection_set, parent, multiplier: int, fragments, seen: set) -> int:
            if selection_set is None:
                return 0
            total = 0
            for selection in selection_set.selections:
                if isinstance(selection, FieldNode):
                    fields = getattr(parent, "fields", {}) or {}
                    definition = fields.get(selection.name.value)
                    total += multiplier
                    if definition is None or selection.selection_set is None:
                        continue
                    inner = multiplier
                    named = get_named_type(definition.type)
                    if named.name.endswith("Connection"):
                        inner *= _page(selection)
                    elif _is_list(definition.type) and not getattr(parent, "name", "").endswith("Connection"):
                        # A connection's `edges` is its page, counted at the connection already.
                        inner *= PLAIN_LIST
                    total += self._cost(selection.selection_set, named, inner, fragments, seen)
                elif isinstance(selection, InlineFragmentNode):
                    condition = selection.type_condition
                    target = self.context.schema.get_type(condition.name.value) if condition else parent
                    total += self._cost(
                        selection.selection_set, target or parent, multiplier, fragments, seen
                    )
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    fragment = fragments.get(name)
                    if fragment is None or name in seen:  # unknown or cyclic: other rules report it
                        continue
                    target = self.context.schema.get_type(fragment.type_condition.name.value) or parent
                    total += self._cost(fragment.selection_set, target, multiplier, fragments, seen | {name})
            return total

    CostRule.__name__ = f"CostRule{max_cost}"
    return CostRule
