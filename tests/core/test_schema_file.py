from pathlib import Path

from config.schema import schema

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"


def test_exported_schema_is_current():
    """The apps generate code from schema.graphql: run `make schema` after changing the API."""
    assert SCHEMA_FILE.read_text().strip() == schema.as_str().strip()


def test_every_type_field_and_argument_is_described_for_app_developers():
    from graphql import GraphQLInputObjectType, GraphQLInterfaceType, GraphQLObjectType

    from tests.schema_ops import GRAPHQL_SCHEMA

    missing = []
    for name, type_ in GRAPHQL_SCHEMA.type_map.items():
        if name.startswith("__"):
            continue
        if not type_.description and name not in ("String", "Boolean", "Int", "Float", "ID"):
            missing.append(name)
        if isinstance(type_, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            missing += [f"{name}.{field}" for field, value in type_.fields.items() if not value.description]
    assert missing == []


def test_connection_arguments_say_what_they_do():
    from tests.schema_ops import GRAPHQL_SCHEMA

    args = GRAPHQL_SCHEMA.query_type.fields["myPolicies"].args
    assert args["last"].description == "Returns the last n items from the list."
    assert "before" in args["before"].description


def test_codes_the_apps_branch_on_are_enums_and_rates_have_their_own_scalar():
    from graphql import GraphQLEnumType, GraphQLList, GraphQLNonNull, get_named_type

    from tests.schema_ops import GRAPHQL_SCHEMA

    def named(type_name, field):
        return get_named_type(GRAPHQL_SCHEMA.type_map[type_name].fields[field].type)

    for type_name, field in [
        ("Notification", "kind"),
        ("StaffEvent", "type"),
        ("SkippedReminder", "reason"),
        ("LoanQuote", "reasonCode"),
        ("ServicingRequest", "reasonCodes"),
    ]:
        assert isinstance(named(type_name, field), GraphQLEnumType), f"{type_name}.{field}"
    assert named("LoanQuote", "annualRate").name == named("PolicyLoan", "annualRate").name == "Rate"
    assert isinstance(GRAPHQL_SCHEMA.type_map["ServicingRequest"].fields["reasonCodes"].type, GraphQLNonNull)
    assert isinstance(
        GRAPHQL_SCHEMA.type_map["ServicingRequest"].fields["reasonCodes"].type.of_type, GraphQLList
    )
