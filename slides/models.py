"""The slide library: a slide's record, its tags, and the chunks its pyramid is built in.

Nothing here stores the uploaded file's name, its dates or any other free text that came with
the file: the only metadata kept is the allow-list in `deidentify.py`.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from .sealed_fields import SealedTextField


class Tag(models.Model):
    name = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SlideQuerySet(models.QuerySet):
    def visible_to(self, user) -> SlideQuerySet:
        """Slides this person may open in the library: educators and admins share all of it,
        nobody else sees any. (Trainees and examiners meet slides only through courses, whose
        rules live in `courses.access`.)"""
        if user.is_authenticated and user.is_educator:
            return self
        return self.none()

    def usable_in_courses(self) -> SlideQuerySet:
        """Slides that may be newly placed in a course, case or question: ready, not retired.
        (Where a retired slide is already used it stays; only new placements are refused.)"""
        return self.filter(status=Slide.Status.READY, retired_at__isnull=True)

    def in_library_view(self, *, show_retired: bool) -> SlideQuerySet:
        return self if show_retired else self.filter(retired_at__isnull=True)


class Slide(models.Model):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", "Uploaded"
        PROCESSING = "processing", "Processing"
        AWAITING_REVIEW = "awaiting_review", "Awaiting review"
        READY = "ready", "Ready"
        REJECTED = "rejected", "Rejected"
        FAILED = "failed", "Failed"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=200)
    organ = models.CharField(max_length=100, blank=True)
    stain = models.CharField(max_length=100, blank=True)
    description = models.TextField(blank=True, max_length=5000)
    # Retired: kept wherever it is already used, offered nowhere new (see usable_in_courses).
    retired_at = models.DateTimeField(null=True, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="slides")
    # Title, organ, stain, tags and description in one text, for search (`slides.search`).
    search_document = models.TextField(blank=True, default="", editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UPLOADED)
    failure_reason = models.TextField(blank=True)
    # Private path of the original, relative to SLIDES["INCOMING_DIR"]; named by uuid, never by
    # the uploaded file name. Empty once the original is deleted or quarantined.
    source_path = models.CharField(max_length=500, blank=True)
    source_format = models.CharField(max_length=20, blank=True)
    quarantine_until = models.DateTimeField(null=True, blank=True)
    inspect_attempts = models.PositiveSmallIntegerField(default=0)

    # Allow-listed metadata (see deidentify.ALLOWED_PROPERTIES).
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    mpp_x = models.FloatField(null=True, blank=True)
    mpp_y = models.FloatField(null=True, blank=True)
    objective_power = models.FloatField(null=True, blank=True)
    vendor = models.CharField(max_length=40, blank=True)

    # Deep Zoom pyramid geometry and build progress.
    tile_size = models.PositiveIntegerField(default=256)
    build_level = models.IntegerField(null=True, blank=True)
    tiles_done = models.PositiveIntegerField(default=0)
    tiles_total = models.PositiveIntegerField(default=0)
    build_started_at = models.DateTimeField(null=True, blank=True)
    build_finished_at = models.DateTimeField(null=True, blank=True)

    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SlideQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(tiles_done__lte=models.F("tiles_total")),
                name="slide_progress_within_total",
            ),
            models.CheckConstraint(
                condition=~Q(status="failed") | ~Q(failure_reason=""),
                name="slide_failure_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_building(self) -> bool:
        return self.status in (self.Status.UPLOADED, self.Status.PROCESSING)

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None

    @property
    def has_pyramid_geometry(self) -> bool:
        return bool(self.width and self.height)

    @property
    def is_viewable(self) -> bool:
        """Tiles can be drawn: built, or rendered on demand while the build runs."""
        return self.has_pyramid_geometry and self.status in (
            self.Status.PROCESSING,
            self.Status.AWAITING_REVIEW,
            self.Status.READY,
        )

    @property
    def progress_percent(self) -> int:
        if not self.tiles_total:
            return 0
        return int(100 * self.tiles_done / self.tiles_total)

    @property
    def mpp(self) -> float | None:
        if self.mpp_x and self.mpp_y:
            return (self.mpp_x + self.mpp_y) / 2
        return None


class PyramidChunk(models.Model):
    """A band of tile rows at one Deep Zoom level: the unit of work of one Celery task.

    `done` flips once, so progress is counted once even when a task runs twice; `attempts`
    counts starts, so a chunk that keeps killing its worker is given up after a few tries.
    """

    slide = models.ForeignKey(Slide, on_delete=models.CASCADE, related_name="chunks")
    level = models.PositiveSmallIntegerField()
    row_start = models.PositiveIntegerField()
    row_end = models.PositiveIntegerField()
    tile_count = models.PositiveIntegerField()
    done = models.BooleanField(default=False)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["slide", "-level", "row_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["slide", "level", "row_start"], name="one_chunk_per_band"
            ),
            models.CheckConstraint(
                condition=Q(row_end__gt=models.F("row_start")), name="chunk_has_rows"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.slide_id} level {self.level} rows {self.row_start}-{self.row_end}"


class SlideAlias(models.Model):
    """An opaque public name for a slide within a scope (e.g. one exam), so its tiles cannot
    be matched with the same slide shown elsewhere under its own id."""

    alias = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slide = models.ForeignKey(Slide, on_delete=models.CASCADE, related_name="aliases")
    scope = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "slide"], name="one_alias_per_scope")
        ]

    def __str__(self) -> str:
        return str(self.alias)


class DicomwebSource(models.Model):
    """A PACS the portal may search and pull from over DICOMweb, configured by an educator.

    `secret` (a password for basic auth, a token for bearer auth) is write-only: forms and the
    admin never show it back, and nothing logs it.
    """

    class Auth(models.TextChoices):
        NONE = "none", "None"
        BASIC = "basic", "Basic (user name and password)"
        BEARER = "bearer", "Bearer token"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=100, unique=True)
    url = models.URLField(
        max_length=500, help_text="The DICOMweb root, e.g. https://pacs.example.org/dicom-web"
    )
    auth = models.CharField(max_length=10, choices=Auth.choices, default=Auth.NONE)
    username = models.CharField(max_length=200, blank=True)
    # Encrypted in the database (slides/sealed_fields.py); plain only in memory.
    secret = SealedTextField(blank=True)
    # SHA-256 of the token this PACS presents when it sends to teaching (STOW-RS); the token
    # itself is shown once, when made, and never stored.
    push_token_hash = models.CharField(max_length=64, blank=True)
    # Educators told (by email, and on their home page) when this PACS sends a series.
    notify = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name="educators to tell",
        help_text="Told by email and on their home page when this PACS sends a series.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(auth="basic") | ~Q(username=""),
                name="dicomweb_basic_auth_has_username",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DicomwebImport(models.Model):
    """One series being pulled from a DICOMweb source into a new slide.

    The series' own UIDs are kept only while the pull runs (to resume it) and are blanked when
    it ends; the accession number only ever as a keyed hash (`dicom_deid.accession_hash`).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RECEIVING = "receiving", "Receiving from the PACS"
        FETCHING = "fetching", "Fetching"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    class Kind(models.TextChoices):
        PULL = "pull", "Pulled by an educator"
        PUSH = "push", "Sent by the PACS"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source = models.ForeignKey(DicomwebSource, on_delete=models.CASCADE, related_name="imports")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=4, choices=Kind.choices, default=Kind.PULL)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    failure_reason = models.TextField(blank=True)
    study_uid = models.CharField(max_length=64, blank=True)
    series_uid = models.CharField(max_length=64, blank=True)
    accession_hash = models.CharField(max_length=64, blank=True, db_index=True)
    # A push only, while it receives: a keyed hash of (source, SeriesInstanceUID), so that the
    # STOW-RS requests of one series join one import; blanked when the import ends.
    series_key = models.CharField(max_length=64, blank=True)
    last_received_at = models.DateTimeField(null=True, blank=True)
    instances_total = models.PositiveIntegerField(default=0)
    instances_done = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    burned_in_annotation = models.BooleanField(default=False)
    slide = models.OneToOneField(
        Slide, null=True, blank=True, on_delete=models.SET_NULL, related_name="dicomweb_import"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(instances_done__lte=models.F("instances_total")),
                name="dicomweb_import_progress_within_total",
            ),
            models.CheckConstraint(
                condition=~Q(status="failed") | ~Q(failure_reason=""),
                name="dicomweb_import_failure_has_reason",
            ),
            models.UniqueConstraint(
                fields=["source", "series_key"],
                condition=Q(status="receiving"),
                name="one_receiving_import_per_pushed_series",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RECEIVING, self.Status.FETCHING)

    @property
    def progress_percent(self) -> int:
        if not self.instances_total:
            return 0
        return int(100 * self.instances_done / self.instances_total)


class StowBody(models.Model):
    """One STOW-RS request body as the PACS sent it, waiting in private staging until the
    imports of the series it carries have de-identified their instances from it
    (slides/stow_staging.py). It still holds the patient's identifiers: it is never served,
    nothing of it is copied into the database, and it is deleted once its imports have ended.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source = models.ForeignKey(DicomwebSource, on_delete=models.CASCADE, related_name="+")
    imports = models.ManyToManyField(DicomwebImport, related_name="stow_bodies")
    size = models.PositiveBigIntegerField()
    boundary = models.CharField(max_length=200)  # the multipart delimiter, made by the sender
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"STOW-RS body {self.uuid}"


class PendingSpecimenText(models.Model):
    """A specimen description (SpecimenShortDescription or SpecimenDetailedDescription) that
    came with a PACS series, waiting for the reviewing educator to keep or discard it.

    Free text may name the patient as easily as the stain, so it is never copied into a stored
    instance and is shown only on the review form, to educators who may pass the review gate.
    Review ends its wait: kept text becomes the slide's description, the rest is deleted (an
    approval that made no choice discards it, as does a rejection or a failed build).
    """

    slide = models.ForeignKey(
        Slide, on_delete=models.CASCADE, related_name="pending_specimen_texts"
    )
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Specimen text of slide {self.slide_id}, waiting for review"
