from django.apps import AppConfig


class SampleConfig(AppConfig):
    """A tiny stateful domain used only by the tests of the workflow engine."""

    name = "zhengwu.core.tests.sample"
    label = "sample"

    def ready(self) -> None:
        from zhengwu.org.roles import Role, grant

        grant(Role.WINDOW_CLERK, "sample.work")
        grant(Role.DEPARTMENT_LEADER, "sample.work", "sample.cancel")
