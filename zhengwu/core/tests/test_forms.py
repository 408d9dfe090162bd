"""The shared form helpers: a service's error lands on the field it names (through SERVICE_FIELDS) or above the
form; ``submit`` runs the service only for valid input, and hands 403/404 to the error page."""

from __future__ import annotations

import pytest
from django import forms

from zhengwu.core.errors import Forbidden, InvalidInput, NotFound
from zhengwu.core.forms import StyledForm, attach_app_error, submit


class NoteForm(StyledForm):
    SERVICE_FIELDS = {"content": "text"}

    text = forms.CharField(max_length=20)
    urgent = forms.BooleanField(required=False)
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")])


def test_widgets_get_bootstrap_classes_by_kind():
    form = NoteForm()

    assert [form.fields[n].widget.attrs["class"] for n in ("text", "urgent", "kind")] == [
        "form-control", "form-check-input", "form-select"]


def test_an_error_lands_on_the_mapped_field_on_its_own_name_or_above_the_form():
    form = NoteForm({"text": "x", "kind": "a"})
    form.is_valid()

    attach_app_error(form, InvalidInput("内容不当。", field="content"))
    attach_app_error(form, InvalidInput("类型不对。", field="kind"))
    attach_app_error(form, InvalidInput("别处的问题。", field="elsewhere"))

    assert form.errors == {"text": ["内容不当。"], "kind": ["类型不对。"], "__all__": ["别处的问题。"]}


def test_submit_runs_the_service_only_for_valid_input():
    calls = []

    invalid = submit(NoteForm({"text": "", "kind": "a"}), calls.append)
    valid = submit(NoteForm({"text": "明天开会", "kind": "b"}), lambda data: calls.append(data) or "done")

    assert (invalid.ok, invalid.status) == (False, 422)
    assert (valid.ok, valid.value, valid.status) == (True, "done", 200)
    assert calls == [{"text": "明天开会", "urgent": False, "kind": "b"}]


def test_submit_puts_a_service_error_on_the_form_with_its_status():
    form = NoteForm({"text": "明天开会", "kind": "a"})

    def refuse(data):
        raise InvalidInput("会议室已被占用。", field="content", code="taken")

    done = submit(form, refuse)

    assert (done.ok, done.status) == (False, 422)
    assert form.errors["text"] == ["会议室已被占用。"]


@pytest.mark.parametrize("error", [Forbidden("无权限。"), NotFound("不存在。")])
def test_submit_raises_forbidden_and_not_found_for_the_error_page_unless_told_otherwise(error):
    def refuse(data):
        raise error

    with pytest.raises(type(error)):
        submit(NoteForm({"text": "x", "kind": "a"}), refuse)
    kept = NoteForm({"text": "x", "kind": "a"})
    done = submit(kept, refuse, passthrough=())
    assert (done.ok, done.status, kept.errors["__all__"]) == (False, error.status, [error.message])
