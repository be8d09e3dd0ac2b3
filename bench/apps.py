from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark's own command (seed_bench), installed only by bench/settings.py."""

    name = "bench"
    default_auto_field = "django.db.models.BigAutoField"
