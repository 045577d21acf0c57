from django import template

register = template.Library()


@register.filter
def progress_for(progress: dict, case):
    """The trainee's CaseProgress for `case` from a dict keyed by case id, or None."""
    return progress.get(case.id) if progress else None
