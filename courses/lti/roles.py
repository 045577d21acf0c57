"""Which portal role an LMS person gets, from the LTI role URIs (pure)."""

from __future__ import annotations

LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
# Short forms some platforms send in NRPS (the spec allows "Learner", "Instructor").
_SHORT = {"Learner": LEARNER, "Instructor": INSTRUCTOR}


def portal_role(lti_roles: list[str], examiner_roles: list[str]) -> str | None:
    """ "examiner", "educator", "trainee" or None (a role the portal does not admit, e.g. a
    mentor or a platform administrator with no course role)."""
    roles = {_SHORT.get(role, role) for role in lti_roles}
    if roles & set(examiner_roles):
        return "examiner"
    if INSTRUCTOR in roles:
        return "educator"
    if LEARNER in roles:
        return "trainee"
    return None
