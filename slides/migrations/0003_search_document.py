from django.db import migrations, models

from slides.search_indexes import full_text_index


def fill_documents(apps, schema_editor):
    Slide = apps.get_model("slides", "Slide")
    for slide in Slide.objects.prefetch_related("tags"):
        parts = [slide.title, slide.organ, slide.stain, *sorted(t.name for t in slide.tags.all())]
        document = " ".join(p.strip() for p in parts if p and p.strip())
        Slide.objects.filter(id=slide.id).update(search_document=document)


class Migration(migrations.Migration):
    dependencies = [
        ("slides", "0002_slide_aliases"),
    ]

    operations = [
        migrations.AddField(
            model_name="slide",
            name="search_document",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill_documents, migrations.RunPython.noop),
        # The expression `SearchVector("search_document", config="english")` builds.
        full_text_index(
            "slides_slide_search_fts",
            "slides_slide",
            "to_tsvector('english'::regconfig, COALESCE(search_document, ''))",
        ),
    ]
