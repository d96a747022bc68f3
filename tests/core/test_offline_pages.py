"""Pages work on a machine without internet: nothing is loaded from a CDN. The banner says what runs."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client

EXTERNAL = re.compile(r"""(?:src|href)=["'](?:https?:)?//""")


@pytest.mark.parametrize("path", ["/graphql/", "/console/"])
def test_pages_load_nothing_from_outside(db, settings, path):
    settings.GRAPHQL_IDE = True
    response = Client().get(path, HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    page = response.content.decode()
    assert EXTERNAL.findall(page) == []
    for asset in re.findall(r"""(?:src|href)=["']/static/([^"']+)""", page):
        assert finders.find(asset), f"{asset} is not among the project's static files"


def test_graphiql_is_served_from_the_projects_static_files(db, settings):
    settings.GRAPHQL_IDE = True
    page = Client().get("/graphql/", HTTP_ACCEPT="text/html").content.decode()
    assert "/static/graphiql/graphiql.min.js" in page and "unpkg.com" not in page


def test_banner_names_the_workbench_and_what_really_runs(capsys, settings):
    call_command("banner", port="8123")
    out = capsys.readouterr().out
    assert "http://127.0.0.1:8123/console/" in out
    from django.db import connection

    if connection.vendor == "postgresql":
        assert "PostgreSQL" in out and "SQLite" not in out
    if "InMemory" not in settings.CHANNEL_LAYERS["default"]["BACKEND"]:
        assert "Redis channels" in out
