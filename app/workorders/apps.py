"""The work-orders Django app."""
from django.apps import AppConfig


class WorkOrdersConfig(AppConfig):
    name = "workorders"
    verbose_name = "Work orders"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save, pre_save

        from . import readcache
        from .models import Task, WorkOrder

        # What the cached reads show: a user's name appears in work orders and tasks; no cached
        # read shows a Transition (the history is read uncached). (Writes through
        # QuerySet.update() send no signal: transitions.assign updates tasks so, and saves the
        # work order, whose scopes hold the tasks' old and new operators, in the same
        # transaction.)
        for model in (WorkOrder, Task, get_user_model()):
            for name, signal in (("save", post_save), ("delete", post_delete)):
                signal.connect(readcache.data_changed, sender=model,
                               dispatch_uid=f"readcache-{name}-{model.__name__}")
        pre_save.connect(readcache.remember_who_saw_it, sender=WorkOrder,
                         dispatch_uid="readcache-pre-save-WorkOrder")
