"""`make serve`: the production process set on one machine, from deploy/Procfile and the nginx site
in deploy/nginx/: nginx on PORT in front of two ASGI processes, one Celery worker, one beat.

Before starting: migrations applied and static files collected. Ctrl-C (SIGINT) or SIGTERM stops the
set in order: the ASGI processes first (open websockets get a close frame, 1012 "service restart", so
the apps reconnect) while nginx still relays it, then nginx, the worker and beat. A process that dies
on its own stops the rest, and the exit status says so.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from string import Template

ROOT = Path(__file__).resolve().parent.parent
PROCFILE = ROOT / "deploy" / "Procfile"
SITE = ROOT / "deploy" / "nginx" / "nuanxin.conf"
STOP_ORDER = ["web1", "web2", "nginx", "worker", "beat"]
MAIN_CONF = """worker_processes 1;
pid $prefix/nginx.pid;
error_log $prefix/error.log warn;
events { worker_connections 4096; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log $prefix/access.log;
    client_body_temp_path $prefix/tmp/body;
    proxy_temp_path $prefix/tmp/proxy;
    fastcgi_temp_path $prefix/tmp/fastcgi;
    uwsgi_temp_path $prefix/tmp/uwsgi;
    scgi_temp_path $prefix/tmp/scgi;
    include $prefix/site.conf;
}
"""


def log(message: str) -> None:
    print(f"serve: {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def procfile() -> dict[str, str]:
    entries = {}
    for line in PROCFILE.read_text().splitlines():
        match = re.match(r"^([a-z0-9]+):\s*(.+)$", line)
        if match:
            entries[match.group(1)] = match.group(2)
    return entries


def environment() -> dict[str, str]:
    env = dict(os.environ)
    missing = [name for name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY") if not env.get(name)]
    if missing:
        sys.exit(
            f"serve: set {', '.join(missing)} (see deploy/env.example); make run is the embedded default"
        )
    var = Path(env.get("SERVE_DIR", ROOT / "var"))
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    env.setdefault("PORT", "8000")
    env.setdefault("ASGI_PORT_1", str(free_port()))
    env.setdefault("ASGI_PORT_2", str(free_port()))
    env.setdefault("STATIC_ROOT", str(var / "static"))
    env.setdefault("NGINX_PREFIX", str(var / "nginx"))
    # Metrics of all processes as one set (each writes its samples here; emptied at every start).
    env.setdefault("PROMETHEUS_MULTIPROC_DIR", str(var / "prometheus"))
    # One machine, plain HTTP on loopback: nginx is the only proxy and nothing terminates TLS here.
    env.setdefault("TRUSTED_PROXY_COUNT", "1")
    env.setdefault("SECURE_SSL_REDIRECT", "0")
    env.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    env["PATH"] = f"{Path(sys.executable).parent}:{env.get('PATH', '')}"
    return env


def nginx_config(env: dict[str, str]) -> None:
    prefix = Path(env["NGINX_PREFIX"])
    for sub in ("tmp/body", "tmp/proxy", "tmp/fastcgi", "tmp/uwsgi", "tmp/scgi"):
        (prefix / sub).mkdir(parents=True, exist_ok=True)
    site = re.sub(r"\$\{(\w+)\}", lambda m: env[m.group(1)], SITE.read_text())
    (prefix / "site.conf").write_text(site)
    (prefix / "nginx.conf").write_text(Template(MAIN_CONF).substitute(prefix=prefix))


def manage(env: dict[str, str], *args: str) -> None:
    # One-off commands keep no metrics of the set.
    one_off = {key: value for key, value in env.items() if key != "PROMETHEUS_MULTIPROC_DIR"}
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=one_off, check=True)  # noqa: S603


def wait_for_port(port: int, processes: dict, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for name, process in processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode} while starting")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listens on {port}")


def main() -> int:
    env = environment()
    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
        sys.exit("serve: nginx is not installed (bash scripts/install-debian-packages.sh)")
    env["PATH"] = f"{env['PATH']}:/usr/sbin"
    log("applying migrations and collecting static files")
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    nginx_config(env)
    metrics_dir = Path(env["PROMETHEUS_MULTIPROC_DIR"])
    shutil.rmtree(metrics_dir, ignore_errors=True)
    metrics_dir.mkdir(parents=True)
    processes: dict[str, subprocess.Popen] = {}
    stopping = False

    def stop(*_args) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    for name, command in procfile().items():
        # Each in its own process group: a terminal's Ctrl-C reaches serve alone, which stops them in order.
        processes[name] = subprocess.Popen(command, shell=True, cwd=ROOT, env=env, start_new_session=True)  # noqa: S602
        log(f"{name} started (pid {processes[name].pid})")
    try:
        for port in (env["ASGI_PORT_1"], env["ASGI_PORT_2"], env["PORT"]):
            wait_for_port(int(port), processes)
    except RuntimeError as exc:
        log(str(exc))
        stopping = True
    else:
        log(f"ready: http://127.0.0.1:{env['PORT']}/ (GraphQL /graphql/, admin /admin/, workbench /console/)")
    failed = None
    while not stopping:
        for name, process in processes.items():
            if process.poll() is not None:
                failed = name
                log(f"{name} exited with {process.returncode}: stopping the set")
                stopping = True
                break
        time.sleep(0.2)
    return shutdown(processes) or (1 if failed else 0)


def shutdown(processes: dict[str, subprocess.Popen]) -> int:
    """Stop in order, each given time to finish: web (websockets closed cleanly), nginx, worker, beat."""
    problems = 0
    for name in STOP_ORDER:
        process = processes.get(name)
        if process is None or process.poll() is not None:
            continue
        # nginx finishes what it relays on SIGQUIT; the others shut down gracefully on SIGTERM.
        os.killpg(process.pid, signal.SIGQUIT if name == "nginx" else signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            log(f"{name} did not stop in 30 s: killed")
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            problems += 1
        log(f"{name} stopped")
    return problems


if __name__ == "__main__":
    sys.exit(main())
