"""Settings for the API benchmark: the real settings plus the bare ceiling endpoints."""

from zhengwu.config.settings import *  # noqa: F401,F403

ROOT_URLCONF = "bench.bare"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
