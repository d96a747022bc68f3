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
