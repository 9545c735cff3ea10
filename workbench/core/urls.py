from django.urls import path

from workbench.core import views

app_name = "core"

urlpatterns = [
    path("", views.home_view, name="home"),
    path("favicon.ico", views.favicon_view, name="favicon"),
]
