from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = "Courses and assessment"

    def ready(self) -> None:
        from slides import usage

        from .slide_uses import slide_uses

        usage.register(slide_uses)
