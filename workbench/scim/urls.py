from django.urls import path

from workbench.scim import views

app_name = "scim"

urlpatterns = [
    path("Users", views.users_view, name="users"),
    path("Users/<str:user_id>", views.user_view, name="user"),
    path("Groups", views.groups_view, name="groups"),
    path("Groups/<str:group_id>", views.group_view, name="group"),
    path(
        "ServiceProviderConfig", views.service_provider_config_view, name="service_provider_config"
    ),
    path("ResourceTypes", views.resource_types_view, name="resource_types"),
    path("Schemas", views.schemas_view, name="schemas"),
]
