from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from courses.curricula import import_curriculum, set_case_outcomes
from courses.curriculum_csv import CurriculumCsvError
from courses.models import Curriculum, Outcome

from .test_curriculum_csv import EXAMPLE

pytestmark = pytest.mark.django_db


def test_it_imports_the_tree_in_file_order():
    curriculum = import_curriculum(
        title="Example", version="1", data="code,parent_code,title\nA,,Top\nA.1,A,Child\n"
    )
    child = Outcome.objects.get(code="A.1")
    assert child.parent.code == "A" and child.curriculum == curriculum
    assert list(curriculum.outcomes.values_list("code", flat=True)) == ["A", "A.1"]


def test_a_bad_file_imports_nothing():
    with pytest.raises(CurriculumCsvError):
        import_curriculum(title="Bad", version="", data="code,parent_code,title\nA,X,Y\n")
    assert not Curriculum.objects.exists() and not Outcome.objects.exists()


def test_the_same_title_and_version_is_refused():
    import_curriculum(title="Same", version="1", data="code,parent_code,title\nA,,Top\n")
    with pytest.raises(ValidationError):
        import_curriculum(title="Same", version="1", data="code,parent_code,title\nB,,Top\n")
    assert Outcome.objects.count() == 1


def test_the_command_imports_the_example(capsys):
    call_command("import_curriculum", str(EXAMPLE), "--title", "Histopathology")
    assert Curriculum.objects.get().outcomes.filter(code="BR.1").exists()
    assert "Imported" in capsys.readouterr().out


def test_the_command_reports_line_numbers(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("code,parent_code,title\nA,,\n")
    with pytest.raises(CommandError, match="Line 2: the title is empty"):
        call_command("import_curriculum", str(bad))


def test_a_case_only_takes_outcomes_of_its_courses_curriculum(case):
    mine = import_curriculum(title="Mine", version="", data="code,parent_code,title\nA,,Top\n")
    other = import_curriculum(title="Other", version="", data="code,parent_code,title\nB,,Top\n")
    course = case.module.course
    course.curriculum = mine
    course.save(update_fields=["curriculum"])
    with pytest.raises(ValidationError):
        set_case_outcomes(case=case, outcomes=other.outcomes.all())
    set_case_outcomes(case=case, outcomes=mine.outcomes.all())
    assert list(case.outcomes.values_list("code", flat=True)) == ["A"]
