"""Production settings are safe by default; a missing secret stops the server from starting."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, **env):
    base = {k: v for k, v in os.environ.items()
            if k not in {"DEBUG", "SECRET_KEY", "SECURE_SSL_REDIRECT", "STATIC_UNHASHED",
                         "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env},
        capture_output=True, text=True, timeout=60,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DEBUG="0", SECRET_KEY="k3y-" + "x9Q2v" * 12, ALLOWED_HOSTS="news.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_missing_secret_key_with_debug_off_refuses_to_start():
    result = manage("check", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_a_write_in_another_process_reaches_this_ones_cache(db):
    """A management command (an import, say) and the web server are separate processes:
    the content generation it renews must be the one the server reads, with Redis or
    without (the file cache of the zero-setup default)."""
    from articles.caching import state

    before = state.content_generation()
    subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); "
         "from articles.caching import state; state.bump_content_generation()"],
        check=True, cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "newsroom.settings"},
    )
    assert state.content_generation() != before
