"""Demo steps of supervision, imported by ``zhengwu demo``; each lives in its own module, imported here (the
other supervision demo modules are imported here too)."""

from zhengwu.supervision import demo_collusion  # noqa: F401  (step supervision.collusion, order 70)
from zhengwu.supervision import demo_international  # noqa: F401  (step supervision.international, order 72)
from zhengwu.supervision import demo_supervision  # noqa: F401  (step supervision.inspections, order 80)
