from __future__ import annotations

from datetime import timedelta

import jwt
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from jwt.algorithms import RSAAlgorithm
from lti_tool.models import Key

from courses.lti import keys

pytestmark = pytest.mark.django_db


def _published_kids(client) -> list[str]:
    response = client.get(reverse("lti:jwks"))
    assert response.status_code == 200
    return [key["kid"] for key in response.json()["keys"]]


def test_the_first_jwks_request_publishes_a_key_with_its_kid(client):
    kids = _published_kids(client)
    assert len(kids) == 1 and kids[0] == str(keys.signing_key())


def test_a_rotated_key_is_published_before_it_signs_and_the_old_key_retires_later(client, settings):
    settings.LTI_KEY_PUBLISH_SECONDS = 3600
    old = keys.signing_key()
    Key.objects.filter(pk=old.pk).update(datetime_created=timezone.now() - timedelta(days=30))

    call_command("rotate_lti_keys", "--retire-after-days", "90")
    new = Key.objects.latest()
    # Both published; the old one still signs until the new one has been out an hour.
    assert set(_published_kids(client)) == {str(old), str(new)}
    assert keys.signing_key() == old
    assert keys.signing_key(now=timezone.now() + timedelta(hours=2)) == new

    # A token signed by whichever key signs verifies against the published key set.
    signer = keys.signing_key(now=timezone.now() + timedelta(hours=2))
    token = jwt.encode(
        {"x": 1}, signer.private_key, algorithm="RS256", headers={"kid": str(signer)}
    )
    published = {key["kid"]: key for key in client.get(reverse("lti:jwks")).json()["keys"]}
    public = RSAAlgorithm.from_jwk(published[jwt.get_unverified_header(token)["kid"]])
    assert jwt.decode(token, public, algorithms=["RS256"]) == {"x": 1}

    # Months later: another rotation retires the old key, never the one signing now.
    Key.objects.filter(pk=new.pk).update(datetime_created=timezone.now() - timedelta(days=10))
    call_command("rotate_lti_keys", "--retire-after-days", "20")
    kids = set(_published_kids(client))
    assert str(old) not in kids and str(new) in kids and len(kids) == 2
