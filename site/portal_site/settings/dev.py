"""Development overlay: debug on, a fixed development secret, demo labels."""

from .base import *  # noqa: F403
from .base import env_bool, env_str, require_secret_key

DEBUG = env_bool("DEBUG", True)
# A fixed key is only acceptable while DEBUG is on.
SECRET_KEY = env_str("SECRET_KEY") or (
    "dev-only-insecure-key-not-for-production"
    if DEBUG
    else require_secret_key("", DEBUG)
)
QP_DEMO = env_bool("QP_DEMO", True)
STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)
