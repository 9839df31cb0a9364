"""The work-orders Django app."""
from django.apps import AppConfig


class WorkOrdersConfig(AppConfig):
    name = "workorders"
    verbose_name = "Work orders"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save

        from . import readcache
        from .models import Task, Transition, WorkOrder

        # What the cached reads show: a user's name appears in work orders and tasks. (Writes
        # through QuerySet.update() send no signal: transitions.assign updates tasks so, and
        # saves the work order in the same transaction, which does.)
        for model in (WorkOrder, Task, Transition, get_user_model()):
            for name, signal in (("save", post_save), ("delete", post_delete)):
                signal.connect(readcache.data_changed, sender=model,
                               dispatch_uid=f"readcache-{name}-{model.__name__}")
