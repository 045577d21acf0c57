"""The portal's user: one account, one role."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q


class Role(models.TextChoices):
    TRAINEE = "trainee", "Trainee"
    EDUCATOR = "educator", "Educator"
    EXAMINER = "examiner", "Examiner"
    ADMIN = "admin", "Administrator"


class UserQuerySet(models.QuerySet):
    def educators(self) -> UserQuerySet:
        """The people `User.is_educator` is true for, as a query."""
        return self.filter(Q(role__in=(Role.EDUCATOR, Role.ADMIN)) | Q(is_superuser=True))


class PortalUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A person using the portal. The role decides the home page and what the person may do.

    Course-level rights (trainee of course A, examiner of course B) come from enrolments; the role
    here is the person's main job and gates site-wide features such as the slide library.
    """

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.TRAINEE)

    objects = PortalUserManager()

    @property
    def is_educator(self) -> bool:
        return self.role in (Role.EDUCATOR, Role.ADMIN) or self.is_superuser

    @property
    def is_portal_admin(self) -> bool:
        return self.role == Role.ADMIN or self.is_superuser

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username
