from django.urls import path

from tutela.documents import views

app_name = "documents"
urlpatterns = [path("<int:pk>/scarica/", views.download, name="download")]
