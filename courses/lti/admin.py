from django.contrib import admin

from .models import ContextCourse, LtiEnrolment, QuizLineItem, ScorePost


@admin.register(ContextCourse)
class ContextCourseAdmin(admin.ModelAdmin):
    list_display = ["context", "course", "linked_by", "created_at"]
    raw_id_fields = ["context", "course", "linked_by"]


@admin.register(ScorePost)
class ScorePostAdmin(admin.ModelAdmin):
    list_display = ["attempt", "line_item_url", "score_given", "score_maximum", "posted_at"]
    raw_id_fields = ["attempt"]


admin.site.register(LtiEnrolment, raw_id_fields=["enrolment", "context"])
admin.site.register(QuizLineItem, raw_id_fields=["quiz", "context"])
