"""Production overlay: secure defaults; SECRET_KEY must be set."""

from .base import *  # noqa: F403
from .base import env_bool, env_str, require_secret_key

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = require_secret_key(env_str("SECRET_KEY"), DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "SAMEORIGIN"
