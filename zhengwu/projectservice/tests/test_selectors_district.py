"""``agent_figures_district`` and ``visit_figures_district``: the figures screen's numbers for every project of
the district, without a user."""

from __future__ import annotations

from datetime import date

import pytest

from zhengwu.projectservice import selectors, services
from zhengwu.projectservice.testing import LATER

pytestmark = pytest.mark.django_db
MARCH = {"start": date(2024, 3, 1), "end": date(2024, 3, 31)}


def test_agent_figures_sum_the_items_and_trips_of_every_agent_in_the_period(world):
    for project, agent in ((world["project_a"], world["agent"]), (world["project_b"], world["agent2"])):
        services.agent_assign(actor=world["admin"], project=project, agent=agent, started_on="2024-01-02", now=LATER)
    for project, agent, day, trips in ((world["project_a"], world["agent"], "2024-03-01", 2),
                                       (world["project_b"], world["agent2"], "2024-03-31", 1),
                                       (world["project_a"], world["agent"], "2024-04-01", 5)):
        services.agent_action_record(actor=agent, project=project, handled_on=day, what_done="代办",
                                     item_text="施工许可", trips_saved=trips, now=LATER)
    total = selectors.agent_figures_district(**MARCH)["total"]
    assert (total["items"], total["trips_saved"]) == (2, 3)
    # an enterprise user sees only its own project's work; the district sees both
    assert selectors.agent_figures(user=world["ent_a"], **MARCH)["total"]["items"] == 1


def test_visit_figures_count_distinct_units_and_projects_of_the_visits_in_the_period(world):
    for day, enterprises, projects in (("2024-03-04", [world["investor_a"].pk], [world["project_a"].pk]),
                                       ("2024-03-29", [world["investor_a"].pk, world["investor_b"].pk],
                                        [world["project_a"].pk, world["project_b"].pk]),
                                       ("2024-04-01", [world["investor_b"].pk], [world["project_b"].pk])):
        services.visit_record(actor=world["admin"], visited_on=day, team_lead="王主任", departments=[world["dept"].pk],
                              enterprises=enterprises, projects=projects, now=LATER)
    figures = selectors.visit_figures_district(**MARCH)
    assert (figures["visits"], figures["units"], figures["projects"]) == (2, 3, 2)
    assert selectors.visit_figures_district(start=date(2024, 4, 1), end=date(2024, 4, 30))["units"] == 2
