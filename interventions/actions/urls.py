"""To-dos (issue 24). Included by interventions/urls.py under /interventions/, so the names
are in the `interventions` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("todos/<int:pk>/done/", views.todo_done, name="todo_done"),
    path("todos/<int:pk>/reopen/", views.todo_reopen, name="todo_reopen"),
    path("todos/<int:pk>/reassign/", views.todo_reassign, name="todo_reassign"),
    path("todos/<int:pk>/reschedule/", views.todo_reschedule, name="todo_reschedule"),
]
