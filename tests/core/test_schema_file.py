from pathlib import Path

from config.schema import schema

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"


def test_exported_schema_is_current():
    """The apps generate code from schema.graphql: run `make schema` after changing the API."""
    assert SCHEMA_FILE.read_text().strip() == schema.as_str().strip()
