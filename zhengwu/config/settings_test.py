"""The test settings: the real settings plus a tiny sample domain for the engine tests."""

from zhengwu.config.settings import *  # noqa: F401,F403
from zhengwu.config.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "zhengwu.core.tests.sample"]
# Hashing passwords at full strength makes every login in the suite slow; production keeps the default.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
