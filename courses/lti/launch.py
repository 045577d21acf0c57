"""Checking an LTI launch: pylti1p3 checks state, signature (against the platform's JWKS),
registration (issuer and audience), deployment, expiry and message claims; this module adds
what it leaves out (a nonce is used once) and turns every failure into one `LaunchRefused`."""

from __future__ import annotations

import logging

from django.core.cache import cache
from lti_tool.models import LtiLaunch
from pylti1p3.contrib.django import DjangoCacheDataStorage, DjangoMessageLaunch, DjangoOIDCLogin
from pylti1p3.exception import LtiException, OIDCException

from .tool_config import LmsSession, PortalToolConfig

logger = logging.getLogger(__name__)

# Longer than any id_token lives (platforms issue them for minutes).
NONCE_MEMORY_SECONDS = 24 * 3600


# pylti1p3's messages, said plainly for the log and the person.
_PLAIN = {
    "Registration not found.": "No registration for this issuer and audience (client id)",
    "Unable to find deployment": "Unable to find deployment (unknown or inactive deployment id)",
}


class LaunchRefused(Exception):
    """The launch or login request is not to be trusted; the message says why (it is logged and
    shown to the person, and holds nothing secret)."""


def login_redirect(request, target_link_uri: str):
    """Answer the platform's OIDC login initiation: a redirect to its auth endpoint carrying a
    fresh state (also set as a cookie) and nonce."""
    oidc_login = DjangoOIDCLogin(
        request, PortalToolConfig(), launch_data_storage=DjangoCacheDataStorage()
    )
    try:
        return oidc_login.disable_check_cookies().redirect(target_link_uri)
    except (LtiException, OIDCException) as error:
        raise LaunchRefused(str(error)) from error


def _use_nonce_once(launch: LtiLaunch) -> None:
    key = f"lti:used-nonce:{launch.get_claim('iss')}:{launch.get_claim('nonce')}"
    # cache.add is atomic in Redis: of two requests racing with one id_token, one wins.
    if not cache.add(key, 1, NONCE_MEMORY_SECONDS):
        raise LaunchRefused("Replayed launch: this nonce was already used")


def validated_launch(request) -> LtiLaunch:
    """The launch in this POST, fully checked, or `LaunchRefused` (logged with its reason)."""
    message_launch = DjangoMessageLaunch(
        request,
        PortalToolConfig(),
        launch_data_storage=DjangoCacheDataStorage(),
        requests_session=LmsSession(),  # fetches the platform's JWKS
    )
    try:
        message_launch.validate()
        launch = LtiLaunch(message_launch)
        _use_nonce_once(launch)
    except (LtiException, OIDCException, LaunchRefused) as error:
        reason = _PLAIN.get(str(error), str(error))
        logger.warning("LTI launch refused: %s", reason)
        raise LaunchRefused(reason) from error
    return launch
