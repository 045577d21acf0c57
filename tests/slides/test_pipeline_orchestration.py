"""What runs after what: one decision (`pipeline.next_steps`), handed to Celery in a deployment
and to a local queue in-process, so both run the same steps in the same order."""

from __future__ import annotations

import pytest
from celery import current_app
from celery.exceptions import SoftTimeLimitExceeded

from slides import pipeline, services, tasks
from slides.deepzoom import DeepZoomGeometry
from slides.models import PyramidChunk, Slide


@pytest.fixture
def uploaded(slide_files, educator):
    return services.create_slide(
        uploaded_by=educator,
        original=slide_files["svs"],
        original_name="a.svs",
        title="Steps",
        move=False,
    )


def test_every_step_is_run_by_the_celery_task_of_its_name():
    registered = {
        tasks.inspect_slide.name: "inspect",
        tasks.build_chunk.name: "build",
        tasks.verify_pyramid.name: "verify",
    }
    assert {task: step for step, task in pipeline.TASKS.items()} == registered
    assert set(pipeline.TASKS) == set(pipeline.STEPS)
    assert all(name in current_app.tasks for name in registered)


def test_creating_a_slide_queues_nothing_and_starting_it_queues_its_inspection(
    uploaded, django_capture_on_commit_callbacks
):
    assert pipeline.next_steps(uploaded.id) == [pipeline.Step("inspect", uploaded.id)]
    queued = []
    assert pipeline.start(uploaded.id, dispatch=queued.append) == 1
    assert queued == [pipeline.Step("inspect", uploaded.id)]


def test_a_deployment_sends_each_step_to_its_task_after_the_commit(
    uploaded, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(current_app, "send_task", lambda name, args: sent.append((name, args)))
    with django_capture_on_commit_callbacks() as callbacks:
        pipeline.start(uploaded.id)
        assert sent == []  # not before the commit: a worker would not find the row
    for callback in callbacks:
        callback()
    assert sent == [("slides.tasks.inspect_slide", (uploaded.id,))]


def test_steps_follow_one_another_level_by_level_down_to_the_verification(uploaded):
    queued = []
    pipeline.start(uploaded.id, dispatch=queued.append)
    done = []
    while queued:
        step = queued.pop(0)
        if step.name == "build":
            done.append(("build", PyramidChunk.objects.get(pk=step.target_id).level))
        else:
            done.append((step.name, None))
        pipeline.run(step, dispatch=queued.append)
    slide = Slide.objects.get(pk=uploaded.id)
    geometry = DeepZoomGeometry(slide.width, slide.height, slide.tile_size)
    levels = [level for name, level in done if name == "build"]
    assert done[0] == ("inspect", None) and done[-1] == ("verify", None)
    assert levels == sorted(levels, reverse=True)
    assert sorted(set(levels)) == list(range(geometry.level_count))
    assert slide.status == Slide.Status.AWAITING_REVIEW


def test_only_the_band_that_completes_a_level_starts_the_next(uploaded, settings):
    settings.SLIDES = {**settings.SLIDES, "TILES_PER_CHUNK": 4}
    queued = []
    pipeline.inspect(uploaded.id, dispatch=queued.append)
    top = [step.target_id for step in queued]
    assert len(top) > 1
    queued.clear()
    for chunk_id in top[:-1]:
        pipeline.build(chunk_id, dispatch=queued.append)
    assert queued == []
    pipeline.build(top[-1], dispatch=queued.append)
    next_level = PyramidChunk.objects.get(pk=top[-1]).level - 1
    assert queued and {PyramidChunk.objects.get(pk=step.target_id).level for step in queued} == {
        next_level
    }


def test_a_band_out_of_time_is_queued_again_and_stays_unfinished(uploaded, monkeypatch):
    queued = []
    pipeline.inspect(uploaded.id, dispatch=queued.append)
    chunk_id = queued[0].target_id

    def out_of_time(*args, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(pipeline.pyramid, "build_band", out_of_time)
    queued.clear()
    pipeline.build(chunk_id, dispatch=queued.append)
    assert queued == [pipeline.Step("build", chunk_id)]
    assert not PyramidChunk.objects.get(pk=chunk_id).done


def test_resuming_queues_what_each_unfinished_slide_needs_next(uploaded):
    queued = []
    assert pipeline.resume_unfinished(dispatch=queued.append) == 1
    assert queued == [pipeline.Step("inspect", uploaded.id)]
    pipeline.inspect(uploaded.id, dispatch=[].append)
    queued.clear()
    count = pipeline.resume_unfinished(dispatch=queued.append)
    slide = Slide.objects.get(pk=uploaded.id)
    pending = PyramidChunk.objects.filter(slide=slide, level=slide.build_level, done=False)
    assert count == len(queued) == pending.count() > 0
    assert {step.target_id for step in queued} == set(pending.values_list("id", flat=True))
