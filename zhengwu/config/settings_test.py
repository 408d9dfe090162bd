"""The test settings: the real settings plus a tiny sample domain for the engine tests."""

from zhengwu.config.settings import *  # noqa: F401,F403
from zhengwu.config.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "zhengwu.core.tests.sample"]
# Hashing passwords at full strength makes every login in the suite slow; production keeps the default.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# A file, not SQLite's shared in-memory database: the live server of the browser tests
# answers overlapping htmx requests on several threads, and only a file database in WAL
# mode honours the busy timeout (the shared cache fails at once with "table is locked").
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    import os as _os

    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{_os.getpid()}.sqlite3")}  # noqa: F405

# The title bar's district name, fixed for the suite: read from the region tree it would cost every page a query
# on its first render in a process, which the pages' query budgets should not count. The region-tree path has
# its own test (core/tests/test_shell_views.py).
ZHENGWU = {**ZHENGWU, "DISTRICT_NAME": "示范区"}  # noqa: F405

# Text messages stay in zhengwu.core.sms.outbox (emptied around each test by zhengwu/conftest.py).
ZHENGWU_SMS_BACKEND = "locmem"

# Jobs enqueued by the code under test (huey tasks sent on commit) run at once, in process, with huey's in-memory
# storage: nothing piles up in var/huey.sqlite3, and a browser journey sees the job's effect.
HUEY = {**HUEY, "immediate": True}  # noqa: F405
