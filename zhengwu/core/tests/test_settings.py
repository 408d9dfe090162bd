"""Settings from the environment: database choice, SQLite mode, huey backend, production refusal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


ROOT = Path(__file__).resolve().parents[3]
PROBE = """
import json, django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengwu.config.settings")
from django.conf import settings
out = {"engine": settings.DATABASES["default"]["ENGINE"], "huey": settings.HUEY["huey_class"],
       "tz": settings.TIME_ZONE, "lang": settings.LANGUAGE_CODE, "secret": settings.SECRET_KEY}
if os.environ.get("PROBE_SQLITE"):
    django.setup()
    from django.db import connection
    with connection.cursor() as cur:
        cur.execute("PRAGMA journal_mode")
        out["journal_mode"] = cur.fetchone()[0]
    out["transaction_mode"] = settings.DATABASES["default"]["OPTIONS"]["transaction_mode"]
print(json.dumps(out))
"""


def probe(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("ZHENGWU_", "DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"))}
    return subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env={**clean, **env}, capture_output=True,
                          text=True, timeout=60)


def test_without_database_url_the_embedded_sqlite_runs_in_wal_mode_with_immediate_transactions(tmp_path):
    result = probe({"ZHENGWU_VAR": str(tmp_path), "PROBE_SQLITE": "1"})
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["engine"] == "django.db.backends.sqlite3"
    assert out["journal_mode"] == "wal"
    assert out["transaction_mode"] == "IMMEDIATE"
    assert (out["tz"], out["lang"]) == ("Asia/Shanghai", "zh-hans")


def test_a_postgres_database_url_selects_postgresql(tmp_path):
    result = probe({"ZHENGWU_VAR": str(tmp_path), "DATABASE_URL": "postgres://u:p@127.0.0.1:5432/zw"})
    assert json.loads(result.stdout)["engine"] == "django.db.backends.postgresql"


def test_redis_url_moves_the_job_queue_to_redis(tmp_path):
    with_redis = json.loads(probe({"ZHENGWU_VAR": str(tmp_path), "REDIS_URL": "redis://127.0.0.1:6379/0"}).stdout)
    without = json.loads(probe({"ZHENGWU_VAR": str(tmp_path)}).stdout)
    assert (with_redis["huey"], without["huey"]) == ("huey.RedisHuey", "huey.SqliteHuey")


def test_a_secret_can_come_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cret-from-a-file\n")
    out = json.loads(probe({"ZHENGWU_VAR": str(tmp_path), "ZHENGWU_SECRET_KEY_FILE": str(secret)}).stdout)
    assert out["secret"] == "s3cret-from-a-file"


def test_production_mode_refuses_to_start_with_default_secrets(tmp_path):
    result = probe({"ZHENGWU_VAR": str(tmp_path), "ZHENGWU_PRODUCTION": "1"})
    assert result.returncode != 0
    assert "ZHENGWU_SECRET_KEY" in result.stderr
    assert "ZHENGWU_DATA_KEY" in result.stderr


def test_production_mode_starts_when_every_secret_is_set(tmp_path):
    env = {"ZHENGWU_VAR": str(tmp_path), "ZHENGWU_PRODUCTION": "1", "ZHENGWU_SECRET_KEY": "x" * 60,
           "ZHENGWU_DATA_KEY": "0f" * 16, "ZHENGWU_INDEX_KEY": "index-key-prod", "ZHENGWU_AUDIT_KEY": "audit-prod",
           "ZHENGWU_ALLOWED_HOSTS": "zw.example.gov.cn"}
    result = probe(env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["secret"] == "x" * 60
