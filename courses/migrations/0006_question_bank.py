"""A question bank per course: questions belong to a course and quizzes place them.

Each existing question moves to its quiz's course and keeps its place (position, archived)
in that quiz as a `QuizQuestion`; nothing else changes for attempts, answers or marks.
"""

import django.db.models.deletion
from django.db import migrations, models


def place_questions(apps, schema_editor):
    Question = apps.get_model("courses", "Question")
    QuizQuestion = apps.get_model("courses", "QuizQuestion")
    placements = []
    for question in Question.objects.select_related("quiz").iterator():
        question.course_id = question.quiz.course_id
        question.save(update_fields=["course"])
        placements.append(
            QuizQuestion(
                quiz_id=question.quiz_id,
                question_id=question.id,
                position=question.position,
                archived_at=question.archived_at,
            )
        )
    QuizQuestion.objects.bulk_create(placements)


def unplace_questions(apps, schema_editor):
    Question = apps.get_model("courses", "Question")
    QuizQuestion = apps.get_model("courses", "QuizQuestion")
    for question in Question.objects.all():
        first = QuizQuestion.objects.filter(question=question).order_by("id").first()
        if first is None:
            question.delete()  # a question only in the bank has no quiz to return to
            continue
        question.quiz_id = first.quiz_id
        question.position = first.position
        question.archived_at = first.archived_at
        question.save(update_fields=["quiz", "position", "archived_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0005_question_archived_at"),
    ]

    operations = [
        migrations.CreateModel(
            name="QuizQuestion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveIntegerField(default=0)),
                ("archived_at", models.DateTimeField(blank=True, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "question",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="placements",
                        to="courses.question",
                    ),
                ),
                (
                    "quiz",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="placements",
                        to="courses.quiz",
                    ),
                ),
            ],
            options={
                "ordering": ["quiz", "position", "id"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("quiz", "question"), name="question_once_per_quiz"
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="question",
            name="course",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="question_bank",
                to="courses.course",
            ),
        ),
        migrations.AlterField(
            model_name="question",
            name="quiz",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="courses.quiz",
            ),
        ),
        migrations.RunPython(place_questions, unplace_questions),
        migrations.AlterModelOptions(name="question", options={"ordering": ["course", "id"]}),
        migrations.AlterModelOptions(name="answer", options={"ordering": ["attempt", "id"]}),
        migrations.RemoveField(model_name="question", name="quiz"),
        migrations.RemoveField(model_name="question", name="position"),
        migrations.RemoveField(model_name="question", name="archived_at"),
        migrations.AlterField(
            model_name="question",
            name="course",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="question_bank",
                to="courses.course",
            ),
        ),
        migrations.AddField(
            model_name="quiz",
            name="questions",
            field=models.ManyToManyField(
                blank=True,
                related_name="quizzes",
                through="courses.QuizQuestion",
                to="courses.question",
            ),
        ),
    ]
