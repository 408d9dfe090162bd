"""Who may do what with reviews: granted to roles in one place.

* ``reviews.view`` / ``reviews.view_bad`` / ``reviews.view_stats``: read, within the data scope;
* ``reviews.submit``: enter a review for a case the user can see (the center's staff, and an
  applicant signed in for their own case). Window clerks and department leaders do not rate
  their own department's work;
* ``reviews.check``: give a government check review (监督查评), instead of ``reviews.submit``
  for that channel;
* ``reviews.visit`` / ``reviews.feedback`` / ``reviews.decide_appeal``: the center follows up
  bad reviews (indicator specialist, center administrator);
* ``reviews.rectify`` / ``reviews.appeal``: the department of the case (leader, window clerk).
"""

from zhengwu.org.roles import Role, grant

READ = ("reviews.view", "reviews.view_bad", "reviews.view_stats")
CENTER = ("reviews.submit", "reviews.check", "reviews.visit", "reviews.feedback", "reviews.decide_appeal")
DEPARTMENT = ("reviews.rectify", "reviews.appeal")

grant(Role.CENTER_ADMIN, *READ, *CENTER)
grant(Role.INDICATOR_SPECIALIST, *READ, *CENTER)
grant(Role.DEPARTMENT_LEADER, *READ, *DEPARTMENT)
grant(Role.WINDOW_CLERK, "reviews.view", "reviews.view_bad", *DEPARTMENT)
grant(Role.TOWNSHIP_STAFF, "reviews.view", "reviews.view_bad")
grant(Role.LEADER, *READ)
grant(Role.SUPERVISOR, *READ, "reviews.check")
grant(Role.CITIZEN, "reviews.submit")
grant(Role.ENTERPRISE_USER, "reviews.submit")
