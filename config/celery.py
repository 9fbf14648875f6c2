"""Celery application for long jobs (imports, report exports, backups).

Without ``CELERY_BROKER_URL`` tasks run eagerly in the calling process, so a single-machine or
development install needs no broker; production sets Redis or RabbitMQ and runs
``celery -A config worker`` on one or more machines.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
app = Celery("khuyencong")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
