from django.urls import path

from zhengwu.village import views

app_name = "village"

urlpatterns = [
    path("", views.stations, name="stations"),
    path("stations/<int:pk>/", views.station_detail, name="station"),
    path("stations/<int:pk>/act/<slug:action>/", views.station_act, name="station_act"),
    path("workspace/", views.agent_workspace, name="workspace"),
    path("agents/", views.agents, name="agents"),
    path("agents/<int:pk>/", views.agent_detail, name="agent"),
    path("agents/<int:pk>/act/<slug:action>/", views.agent_act, name="agent_act"),
    path("trainings/", views.trainings, name="trainings"),
    path("directory/", views.directory, name="directory"),
    path("ratings/", views.ratings, name="ratings"),
]
