"""The documented proxies, run locally: docs/nginx.conf or deploy/varnish/default.vcl in
front of a gunicorn server.

Used by the benchmark (bench/run.py) and by the end-to-end tests, so both exercise the
very file operators deploy, with only its ports and paths swapped for local ones.
"""

import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NGINX_CONF = REPO / "docs" / "nginx.conf"
# The refresh token the local nginx expects (NEWSROOM_PROXY_REFRESH_TOKEN for the app).
REFRESH_TOKEN = "local-refresh-token"


def answers(url):
    """True once a server answers at ``url``, whatever the status."""
    try:
        urllib.request.urlopen(url, timeout=2).close()
        return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def nginx_config(*, port, upstream_port, workdir, static_root=None, media_root=None):
    """docs/nginx.conf with a local listen port, upstream, cache and log paths (and the
    checkout's static and media folders, unless others are given)."""
    config = NGINX_CONF.read_text()
    replacements = {
        "listen 80;": f"listen 127.0.0.1:{port};",
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{upstream_port};",
        "/srv/newsroom/staticfiles/": f"{static_root or REPO / 'staticfiles'}/",
        "/srv/newsroom/media/": f"{media_root or REPO / 'media'}/",
        "/var/cache/nginx/newsroom": str(Path(workdir) / "cache"),
        "/var/log/nginx/newsroom.access.log": str(Path(workdir) / "access.log"),
        "change-this-refresh-token": REFRESH_TOKEN,
    }
    for old, new in replacements.items():
        if old not in config:
            raise ValueError(f"docs/nginx.conf no longer contains {old!r}")
        config = config.replace(old, new)
    return config


class Nginx:
    """nginx running docs/nginx.conf on ``port``, proxying to ``upstream_port``.

    ``prefix`` goes before the command (the benchmark pins nginx to a CPU with taskset).
    """

    def __init__(self, *, port, upstream_port, prefix=(), **roots):
        self.port = port
        self.dir = Path(tempfile.mkdtemp(prefix="newsroom-nginx-"))
        self.conf = self.dir / "nginx.conf"
        self.conf.write_text(nginx_config(port=port, upstream_port=upstream_port,
                                          workdir=self.dir, **roots))
        self.globals = (
            f"pid {self.dir / 'nginx.pid'}; error_log {self.dir / 'error.log'}; user root;"
        )
        subprocess.run(["nginx", "-t", "-q", "-c", str(self.conf), "-g", self.globals],
                       check=True, capture_output=True, text=True)
        subprocess.run([*prefix, "nginx", "-c", str(self.conf), "-g", self.globals],
                       check=True)
        deadline = time.monotonic() + 30
        while not self.ready():
            if time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not come up: {self.error_log()}")
            time.sleep(0.1)

    def ready(self):
        return answers(f"http://127.0.0.1:{self.port}/robots.txt")

    def error_log(self):
        path = self.dir / "error.log"
        return path.read_text() if path.exists() else ""

    def stop(self):
        subprocess.run(["nginx", "-c", str(self.conf), "-g", self.globals, "-s", "stop"],
                       check=False, capture_output=True)
        time.sleep(0.3)
        shutil.rmtree(self.dir, ignore_errors=True)


VARNISH_VCL = REPO / "deploy" / "varnish" / "default.vcl"


def varnish_vcl(*, upstream_port):
    """deploy/varnish/default.vcl with a local backend port."""
    vcl = VARNISH_VCL.read_text()
    old = '.port = "8000";'
    if old not in vcl:
        raise ValueError(f"deploy/varnish/default.vcl no longer contains {old!r}")
    return vcl.replace(old, f'.port = "{upstream_port}";')


class Varnish:
    """varnishd running deploy/varnish/default.vcl on ``port``, in front of
    ``upstream_port``; ``prefix`` goes before the command (taskset in the benchmark)."""

    def __init__(self, *, port, upstream_port, prefix=(), memory="256m"):
        self.port = port
        self.dir = Path(tempfile.mkdtemp(prefix="newsroom-varnish-"))
        # varnishd reads the VCL as its own unprivileged user.
        self.dir.chmod(0o755)
        vcl = self.dir / "default.vcl"
        vcl.write_text(varnish_vcl(upstream_port=upstream_port))
        self.pid_file = self.dir / "varnishd.pid"
        subprocess.run(
            [*prefix, "varnishd", "-a", f"127.0.0.1:{port}", "-f", str(vcl),
             "-n", str(self.dir / "work"), "-P", str(self.pid_file), "-s", f"malloc,{memory}",
             "-p", "vcc_allow_inline_c=off"],
            check=True, capture_output=True, text=True,
        )
        deadline = time.monotonic() + 30
        while not answers(f"http://127.0.0.1:{port}/robots.txt"):
            if time.monotonic() > deadline:
                raise RuntimeError("varnishd did not come up")
            time.sleep(0.1)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def stop(self):
        if self.pid_file.exists():
            subprocess.run(["kill", self.pid_file.read_text().strip()], check=False)
            time.sleep(0.5)
        shutil.rmtree(self.dir, ignore_errors=True)
