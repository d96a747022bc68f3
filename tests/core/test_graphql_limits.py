"""Abuse limits run before any resolver; malformed requests get clear errors, never a 500."""

import subprocess
import sys

import pytest

from core.graphql.context import GraphQLContext
from tests.conftest import error_codes

VIEWER = "query { viewer { id } }"


@pytest.fixture
def resolver_calls(monkeypatch):
    """Count calls into the viewer resolver, to prove refusals happen before execution."""
    calls = []
    original = GraphQLContext.require_viewer

    def spy(self):
        calls.append(1)
        return original(self)

    monkeypatch.setattr(GraphQLContext, "require_viewer", spy)
    return calls


def test_query_past_the_depth_limit_is_refused(gql, resolver_calls, settings):
    settings.GRAPHQL_MAX_DEPTH = 1
    assert "BAD_USER_INPUT" not in error_codes(gql("query { viewer { id } }"))
    resolver_calls.clear()

    result = gql("query { viewer { customer { id } } }")

    assert error_codes(result) == ["BAD_USER_INPUT"]
    # The user reads a translated sentence; the developer graphql-core's English in `detail`.
    assert result["errors"][0]["message"] == "请求嵌套层级过深。"
    assert "exceeds maximum operation depth" in result["errors"][0]["extensions"]["detail"]
    assert resolver_calls == []


def test_depth_through_fragments_is_counted(gql, resolver_calls, settings):
    settings.GRAPHQL_MAX_DEPTH = 1
    query = """
    query { viewer { ...V } }
    fragment V on Viewer { customer { ...C } }
    fragment C on Customer { id }
    """
    result = gql(query)
    assert error_codes(result) == ["BAD_USER_INPUT"]
    assert resolver_calls == []


def test_too_many_aliases_are_refused(gql, resolver_calls, settings):
    aliases = " ".join(f"a{i}: viewer {{ id }}" for i in range(settings.GRAPHQL_MAX_ALIASES + 1))
    result = gql("query { " + aliases + " }")
    assert error_codes(result) == ["BAD_USER_INPUT"]
    assert resolver_calls == []


def test_too_many_tokens_are_refused(gql, resolver_calls, settings):
    settings.GRAPHQL_MAX_TOKENS = 50
    fields = " ".join(["__typename"] * (settings.GRAPHQL_MAX_TOKENS + 1))
    result = gql("query { viewer { " + fields + " } }")
    assert error_codes(result) == ["BAD_USER_INPUT"]
    assert resolver_calls == []


def test_oversized_body_is_refused(gql, resolver_calls, settings):
    response = gql.post_raw({"query": VIEWER + " " * settings.GRAPHQL_MAX_QUERY_BYTES})
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert resolver_calls == []


def test_batched_request_is_refused(gql, resolver_calls):
    response = gql.post_raw([{"query": VIEWER}, {"query": VIEWER}])
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert resolver_calls == []


@pytest.mark.parametrize("body", ["{garbage", "", "42", '"just a string"', "null"])
def test_garbage_json_gets_a_clear_json_error(gql, body):
    response = gql.post_raw(body, lang="en")
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"]


def test_missing_query_and_wrong_method_are_json_errors(gql):
    response = gql.post_raw({"variables": {}})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    # Queries over GET would put tokens and personal data in URLs and logs.
    get = gql.client.get("/graphql/", {"query": VIEWER})
    assert get.status_code in (400, 405)
    assert get.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_unknown_fields_and_input_fields_are_bad_user_input(gql):
    assert error_codes(gql("query { viewer { id nope } }")) == ["BAD_USER_INPUT"]
    result = gql(
        'mutation { requestOtp(input: {phone: "13800000001", extra: 1}) { sent } }',
    )
    assert error_codes(result) == ["BAD_USER_INPUT"]


def test_unexpected_errors_are_masked_with_a_request_id(gql, monkeypatch, caplog):
    def boom(**kwargs):
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr("accounts.services.otp_request", boom)
    response = gql.post_raw(
        {"query": 'mutation { requestOtp(input: {phone: "13800000001"}) { sent } }'},
        HTTP_X_REQUEST_ID="req-12345678",
    )
    error = response.json()["errors"][0]
    assert response.status_code == 200
    assert error["extensions"] == {"code": "INTERNAL", "requestId": "req-12345678"}
    assert error["message"] == "系统繁忙，请稍后再试。"
    assert "hunter2" not in response.content.decode()
    assert "Traceback" not in response.content.decode()
    assert response["X-Request-ID"] == "req-12345678"
    logged = [r for r in caplog.records if r.name == "nuanxin.graphql"]
    assert logged and logged[0].request_id == "req-12345678"


def test_suggestions_and_introspection_follow_settings(gql, settings):
    settings.GRAPHQL_FIELD_SUGGESTIONS = False
    settings.GRAPHQL_INTROSPECTION = False
    typo = gql("query { viewer { rol } }")
    assert error_codes(typo) == ["BAD_USER_INPUT"]
    assert "Did you mean" not in typo["errors"][0]["message"]
    assert "Did you mean" not in typo["errors"][0]["extensions"]["detail"]
    assert set(error_codes(gql("query { __schema { types { name } } }"))) == {"BAD_USER_INPUT"}
    assert error_codes(gql('query { __type(name: "Viewer") { name } }')) == ["BAD_USER_INPUT"]

    settings.GRAPHQL_FIELD_SUGGESTIONS = True
    settings.GRAPHQL_INTROSPECTION = True
    assert "Did you mean 'role'" in gql("query { viewer { rol } }")["errors"][0]["extensions"]["detail"]
    assert gql('query { __type(name: "Viewer") { name } }')["data"]["__type"]["name"] == "Viewer"


def test_graphiql_only_when_settings_allow(gql, settings):
    settings.GRAPHQL_IDE = False
    assert b"graphiql" not in gql.client.get("/graphql/", HTTP_ACCEPT="text/html").content.lower()
    settings.GRAPHQL_IDE = True
    page = gql.client.get("/graphql/", HTTP_ACCEPT="text/html")
    assert page.status_code == 200 and b"graphiql" in page.content.lower()


def test_production_settings_turn_off_introspection_ide_and_suggestions():
    code = (
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.GRAPHQL_INTROSPECTION, s.GRAPHQL_IDE, s.GRAPHQL_FIELD_SUGGESTIONS, s.DEBUG,"
        " s.DATABASES['default']['ENGINE'], 'pool' in s.DATABASES['default']['OPTIONS'],"
        " s.CHANNEL_LAYERS['default']['BACKEND'], s.CELERY_TASK_ALWAYS_EAGER)"
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "x" * 60,
        "PATH": "/usr/bin",
        "DATABASE_URL": "postgres://u@db.internal:5432/nuanxin",
        "REDIS_URL": "redis://cache.internal:6379/0",
        "FIELD_ENCRYPTION_KEYS": "tBQ7IaoMfjcMEoFOUr5Qe3TLD3PIB9jzyuy6MYc6rjk=",
    }
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == [
        "False",
        "False",
        "False",
        "False",
        "django.db.backends.postgresql",
        "True",
        "channels_redis.pubsub.RedisPubSubChannelLayer",
        "False",
    ]
