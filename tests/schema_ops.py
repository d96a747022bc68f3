"""Operations generated from the schema itself, so that a new query or mutation is covered by the
table-driven tests (both transports, hostile inputs) without anyone adding it by hand."""

import base64
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLUnionType,
    get_named_type,
)

from config.schema import schema

GRAPHQL_SCHEMA = schema._schema
# A well-formed global id of nothing that exists: every resolver must answer it as missing.
MISSING_ID = base64.b64encode(b"Missing:987654").decode()


def _scalar_value(type_: GraphQLScalarType, name: str):
    return {
        "String": "x",
        "ID": MISSING_ID,
        "Int": 1,
        "Float": 1.0,
        "Boolean": True,
        "Decimal": "1000.00",
        "Rate": "0.05",
        "Date": "2026-12-01",
        "DateTime": "2026-12-01T10:00:00+08:00",
        "JSON": {},
    }.get(type_.name, "x")


def sample_value(type_, name: str = "", *, override: Callable | None = None, optional: bool = False):
    """A valid-looking value of `type_`; `override(name, named_type)` may replace any leaf; with
    `optional`, input objects get their optional fields too."""
    if isinstance(type_, GraphQLNonNull):
        return sample_value(type_.of_type, name, override=override, optional=optional)
    if isinstance(type_, GraphQLList):
        return [sample_value(type_.of_type, name, override=override, optional=optional)]
    if override is not None:
        replaced = override(name, type_)
        if replaced is not NotImplemented:
            return replaced
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    if isinstance(type_, GraphQLInputObjectType):
        return {
            field_name: sample_value(field.type, field_name, override=override, optional=optional)
            for field_name, field in type_.fields.items()
            if optional or isinstance(field.type, GraphQLNonNull)
        }
    return _scalar_value(type_, name)


def _selection(type_, depth: int) -> str:
    named = get_named_type(type_)
    if isinstance(named, GraphQLScalarType | GraphQLEnumType):
        return ""
    if isinstance(named, GraphQLUnionType | GraphQLInterfaceType) or depth == 0:
        return "{ __typename }"
    parts = ["__typename"]
    for field_name, field in named.fields.items():
        if any(isinstance(arg.type, GraphQLNonNull) for arg in field.args.values()):
            continue
        sub = _selection(field.type, depth - 1)
        if sub or isinstance(get_named_type(field.type), GraphQLScalarType | GraphQLEnumType):
            parts.append(f"{field_name} {sub}".strip())
    return "{ " + " ".join(parts) + " }"


@dataclass(frozen=True)
class GeneratedOperation:
    kind: str  # "query" | "mutation"
    field: str
    document: str
    variables: dict
    arguments: dict  # argument name -> GraphQL type

    def __str__(self) -> str:
        return f"{self.kind}.{self.field}"


def _operation(kind: str, field_name: str, field: GraphQLField, *, depth: int, optional: bool, override):
    arguments = {
        name: arg.type for name, arg in field.args.items() if optional or isinstance(arg.type, GraphQLNonNull)
    }
    variables = {
        name: sample_value(type_, name, override=override, optional=optional)
        for name, type_ in arguments.items()
    }
    declared = ", ".join(f"${name}: {type_}" for name, type_ in arguments.items())
    passed = ", ".join(f"{name}: ${name}" for name in arguments)
    document = (
        f"{kind} Op{f'({declared})' if declared else ''} "
        f"{{ {field_name}{f'({passed})' if passed else ''} {_selection(field.type, depth)} }}"
    )
    return GeneratedOperation(kind, field_name, document, variables, arguments)


def operations(
    *, depth: int = 2, optional: bool = False, override: Callable | None = None, skip: tuple = ()
) -> Iterator[GeneratedOperation]:
    """One operation per query and mutation field, with sample arguments (required only, or all)."""
    for kind, root in (("query", GRAPHQL_SCHEMA.query_type), ("mutation", GRAPHQL_SCHEMA.mutation_type)):
        assert isinstance(root, GraphQLObjectType)
        for field_name, field in root.fields.items():
            if field_name in skip:
                continue
            yield _operation(kind, field_name, field, depth=depth, optional=optional, override=override)


def payload_error_codes(data) -> list[str]:
    """Every `errors[].code` inside a result's data (mutation payloads), in order."""
    found: list[str] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "errors" and isinstance(value, list):
                found += [e.get("code") for e in value if isinstance(e, dict) and "code" in e]
            else:
                found += payload_error_codes(value)
    elif isinstance(data, list):
        for item in data:
            found += payload_error_codes(item)
    return found
