"""The index for case search (courses/search.py), PostgreSQL only: its expression is exactly the
one `SearchVector("title", "diagnosis", "clinical_history", "discussion")` builds, so the planner
uses it."""

from django.db import migrations

from slides.search_indexes import full_text_index


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0007_double_marking"),
    ]

    operations = [
        full_text_index(
            "courses_case_search_fts",
            "courses_case",
            "to_tsvector('english'::regconfig, COALESCE(title, '') || ' ' || "
            "COALESCE(diagnosis, '') || ' ' || COALESCE(clinical_history, '') || ' ' || "
            "COALESCE(discussion, ''))",
        ),
    ]
