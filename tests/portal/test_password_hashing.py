"""Passwords are stored with Argon2id at OWASP's minimum parameters, and older PBKDF2 hashes
still sign in and are re-hashed then (portal/password_hashing.py)."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher, identify_hasher
from django.test import Client

from portal.models import Role, User
from tests.conftest import PASSWORD


def test_new_passwords_are_argon2id_with_owasp_parameters(trainee):
    assert trainee.password.startswith("argon2$argon2id$")
    assert "$m=19456,t=2,p=1$" in trainee.password
    assert trainee.check_password(PASSWORD)
    assert not trainee.check_password(PASSWORD + "x")


@pytest.mark.django_db
def test_an_older_pbkdf2_hash_signs_in_and_is_upgraded():
    user = User.objects.create(username="veteran", role=Role.TRAINEE)
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, "fixedsaltfortest", iterations=1000)
    user.save()
    client = Client()
    response = client.post("/accounts/login/", {"username": "veteran", "password": PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert identify_hasher(user.password).algorithm == "argon2"
    assert "$m=19456,t=2,p=1$" in user.password


@pytest.mark.django_db
def test_django_default_argon2_parameters_are_re_hashed_too():
    from django.contrib.auth.hashers import Argon2PasswordHasher

    user = User.objects.create(username="heavy", role=Role.TRAINEE)
    user.password = Argon2PasswordHasher().encode(PASSWORD, Argon2PasswordHasher().salt())
    user.save()
    assert "$m=102400," in user.password
    assert Client().login(username="heavy", password=PASSWORD)
    user.refresh_from_db()
    assert "$m=19456,t=2,p=1$" in user.password
