"""gunicorn settings for an app host (deploy/systemd/shop-web.service; scripts/scaleout-test).

Workers and the bind address come from the environment: GUNICORN_WORKERS (default: 2 per
core + 1), GUNICORN_BIND (default 0.0.0.0:8000). The access log is off: the app writes one
JSON line per request (shop.request) with its request id, user, status and duration.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5  # nginx keeps upstream connections open (keepalive 16)
max_requests = 2000  # recycle workers now and then
max_requests_jitter = 200
accesslog = None
errorlog = "-"
control_socket_disable = True  # several instances may share a host and a HOME
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def child_exit(server, worker):  # noqa: ANN001 - gunicorn's hook signature
    """Prometheus multiprocess mode (PROMETHEUS_MULTIPROC_DIR): forget a dead worker's gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
