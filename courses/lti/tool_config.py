"""pylti1p3's view of the registrations, through django-lti's models, with two portal rules:
a deployment must be registered (django-lti would create unknown ones), and the signing key is
chosen by `keys.signing_key` (published before it signs)."""

from __future__ import annotations

import requests
from lti_tool.models import LtiDeployment, LtiRegistration
from lti_tool.utils import DjangoToolConfig
from pylti1p3.deployment import Deployment
from pylti1p3.service_connector import ServiceConnector

from . import keys

LMS_TIMEOUT_SECONDS = 30


class LmsSession(requests.Session):
    """pylti1p3 calls the LMS without a timeout; a hung LMS must not hold a web or worker
    process, so every call here has one."""

    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", LMS_TIMEOUT_SECONDS)
        return super().request(*args, **kwargs)


def service_connector(registration: LtiRegistration) -> ServiceConnector:
    """Signs the tool's token requests for the LMS services (AGS, NRPS)."""
    return ServiceConnector(PortalToolConfig().registration_for(registration), LmsSession())


def _with_signing_key(registration: LtiRegistration):
    key = keys.signing_key()  # before to_registration, which needs a key to exist
    pylti_registration = registration.to_registration()
    if not registration.has_key:
        pylti_registration.set_tool_private_key(key.private_key)
        pylti_registration.set_tool_public_key(key.public_key)
    return pylti_registration


class PortalToolConfig(DjangoToolConfig):
    def find_registration_by_issuer(self, iss, *args, **kwargs):
        return self.find_registration_by_params(iss, None)

    def find_registration_by_params(self, iss, client_id, *args, **kwargs):
        lookups = {"issuer": iss}
        if client_id is not None:
            lookups["client_id"] = client_id
        self.registration = LtiRegistration.objects.active().filter(**lookups).first()
        return None if self.registration is None else _with_signing_key(self.registration)

    def find_deployment(self, iss, deployment_id):
        return self.find_deployment_by_params(iss, deployment_id, None)

    def find_deployment_by_params(self, iss, deployment_id, client_id, *args, **kwargs):
        lookups = {
            "registration__issuer": iss,
            "registration__is_active": True,
            "deployment_id": deployment_id,
            "is_active": True,
        }
        if client_id is not None:
            lookups["registration__client_id"] = client_id
        self.deployment = LtiDeployment.objects.filter(**lookups).first()
        if self.deployment is None:
            return None
        return Deployment().set_deployment_id(self.deployment.deployment_id)

    def registration_for(self, registration: LtiRegistration):
        """pylti1p3's registration for a stored one (for service calls outside a launch)."""
        return _with_signing_key(registration)
