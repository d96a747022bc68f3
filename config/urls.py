from django.conf import settings
from django.contrib import admin
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config.metrics import metrics
from config.schema import schema
from core.graphql.views import NuanxinGraphQLView
from core.views import healthz, healthz_live, healthz_ready
from workbench.views import workbench

admin.site.site_header = "Nuanxin"
admin.site.site_title = "Nuanxin"

urlpatterns = [
    # Bearer tokens, not cookies, authenticate the API, so CSRF protection does not apply.
    path("graphql/", csrf_exempt(NuanxinGraphQLView.as_view(schema=schema, allow_queries_via_get=False))),
    path("healthz", healthz),
    path("healthz/live", healthz_live),
    path("healthz/ready", healthz_ready),
    path("metrics", metrics),
    path("admin/", admin.site.urls),
    path("console/", workbench, name="workbench"),
]

if settings.BENCH_VIEWS:
    # Only for bench/: a plain Django view to compare GraphQL against.
    from bench.views import gc_pauses, memory_growth, my_policies_json, warm

    urlpatterns.append(path("bench/my-policies.json", my_policies_json))
    urlpatterns.append(path("bench/gc-pauses.json", gc_pauses))
    urlpatterns.append(path("bench/memory-growth.json", memory_growth))
    urlpatterns.append(path("bench/warm.json", warm))
