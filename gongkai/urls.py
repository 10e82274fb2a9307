from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from gongkai.core import captcha
from gongkai.core import views as core_views

handler500 = "gongkai.core.views.server_error"

urlpatterns: list[URLPattern | URLResolver] = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("health/live", core_views.live, name="health_live"),
    path("health/ready", core_views.ready, name="health_ready"),
    path("captcha/<str:token>.png", captcha.image, name="captcha_image"),  # decision 0029
    path("api/v1/", include("gongkai.api.urls")),
    path("admin/", admin.site.urls),
    path("workbench/catalogue/lists/", include("gongkai.catalogue.urls_lists_staff")),
    path("workbench/catalogue/", include("gongkai.catalogue.urls_staff")),
    path("workbench/requests/", include("gongkai.info_requests.urls_staff")),
    path("workbench/letters/", include("gongkai.interaction.letters.urls_staff")),
    path("workbench/consultations/", include("gongkai.interaction.consultations.urls_staff")),
    path("workbench/surveys/", include("gongkai.interaction.surveys.urls_staff")),
    path("workbench/channels/", include("gongkai.interaction.channels.urls_staff")),
    path("workbench/plans/", include("gongkai.supervision.plans.urls_staff")),
    path("workbench/monthly/", include("gongkai.supervision.monthly.urls_staff")),
    path("workbench/assessment/", include("gongkai.supervision.assessment.urls_staff")),
    path("workbench/reports/", include("gongkai.reports.annual.urls_staff")),
    path("workbench/statistics/", include("gongkai.reports.statistics.urls_staff")),
    path("workbench/", include("gongkai.workbench.urls")),
    path("key-tasks/", include("gongkai.supervision.plans.urls")),
    path("performance/", include("gongkai.supervision.monthly.urls")),
    path("scorecards/", include("gongkai.supervision.assessment.urls")),
    path("account/", include("gongkai.citizens.urls")),
    path("interaction/", include("gongkai.interaction.urls")),
    path("letters/", include("gongkai.interaction.letters.urls")),
    path("consultations/", include("gongkai.interaction.consultations.urls")),
    path("surveys/", include("gongkai.interaction.surveys.urls")),
    path("services/", include("gongkai.interaction.channels.urls")),
    path("", include("gongkai.info_requests.urls")),
    path("", include("gongkai.catalogue.urls")),
    path("", include("gongkai.search.urls")),
    path("", include("gongkai.portal.urls")),
]

if settings.GONGKAI_BENCH_VIEWS:  # the throughput benchmark's reference view (bench/throughput.py)
    urlpatterns.insert(0, path("bench/minimal", core_views.bench_minimal, name="bench_minimal"))

# Uploaded files are never served from MEDIA_URL, not even in development: every download goes
# through a view that checks the document is public (or the user may see it).
