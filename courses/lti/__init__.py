"""LTI 1.3 Advantage tool: launch, deep linking, grades (AGS) and roster (NRPS).

Registrations, deployments, keys and the platform-side records (users, contexts) are django-lti's
models (`lti_tool`); this package adds what links them to the portal's courses and enrolments."""
