"""The staff chat console: one page, which talks to the same GraphQL API and websocket as the apps."""

from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def console(request):
    return render(request, "chat/console.html")
