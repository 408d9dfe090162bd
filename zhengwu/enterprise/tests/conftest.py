import pytest

from zhengwu.core.calendar import calendar_cache_clear
from zhengwu.enterprise.testing import make_world


@pytest.fixture(autouse=True)
def _fresh_calendar():
    calendar_cache_clear()
    yield
    calendar_cache_clear()


@pytest.fixture
def w(db):
    return make_world()
