import pytest


@pytest.mark.django_db
def test_healthz_reports_database_and_redis(client, settings):
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200
    assert body["database"] == "ok"
    assert body["redis"] == ("ok" if settings.REDIS_URL else "not_configured")


@pytest.mark.django_db
def test_healthz_reports_redis_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "down", "database": "ok", "redis": "down"}


def test_healthz_with_redis(redis_url, client, db):
    assert client.get("/healthz").json()["redis"] == "ok"


@pytest.mark.django_db
def test_live_answers_without_asking_anything(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz/live")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


@pytest.mark.django_db
def test_ready_when_the_database_answers_with_every_migration(client, settings):
    response = client.get("/healthz/ready")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "migrations": "ok",
        "redis": "ok" if settings.REDIS_URL else "not_configured",
    }


@pytest.mark.django_db
def test_not_ready_while_redis_is_down_or_migrations_are_pending(client, settings, monkeypatch):
    from core import views

    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz/ready")
    assert (response.status_code, response.json()["redis"], response.json()["status"]) == (
        503,
        "down",
        "unavailable",
    )

    settings.REDIS_URL = ""
    monkeypatch.setattr(views, "_migrated", False)
    monkeypatch.setattr(
        "django.db.migrations.executor.MigrationExecutor.migration_plan",
        lambda self, targets: [("pending", False)],
    )
    response = client.get("/healthz/ready")
    assert (response.status_code, response.json()["migrations"]) == (503, "pending")
