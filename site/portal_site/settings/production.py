"""Production overlay: secure defaults; SECRET_KEY must be set."""

from .base import *  # noqa: F403
from .base import QP_CACHE_URL, env_bool, env_str, require_secret_key, shared_cache

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = require_secret_key(env_str("SECRET_KEY"), DEBUG)
# Behind a TLS-terminating proxy the request reaches gunicorn over plain HTTP;
# the proxy says the original scheme in X-Forwarded-Proto (README: "Behind a
# reverse proxy"). Trust it only if the proxy always sets it.
if env_bool("QP_TRUST_FORWARDED_PROTO", True):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
# HTTPS only: plain HTTP is redirected and browsers are told (HSTS) to use
# HTTPS for a year. The container health check calls /healthz/ over HTTP.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SECURE_HSTS_SECONDS = int(env_str("SECURE_HSTS_SECONDS") or 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
# Shared by every worker and host: throttles, page cache, data version.
CACHES = {"default": shared_cache(QP_CACHE_URL)}
# Imports wait in a database table for the task worker (compose.yaml's
# "worker": recover_imports, then db_worker), so any instance may accept a
# file and any worker process it. QP_IMPORT_TASK_BACKEND=evaluation.imports.
# background.ThreadBackend keeps them in the web process (one-machine setups).
TASKS = {
    **TASKS,  # noqa: F405
    "imports": {
        "BACKEND": env_str("QP_IMPORT_TASK_BACKEND")
        or "django_tasks_db.DatabaseBackend"
    },
}
