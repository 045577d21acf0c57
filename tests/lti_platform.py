"""An LTI 1.3 platform (an LMS as the tool meets it) for tests: a real HTTP server on a free
local port with its own RSA key. It answers OIDC login with an auto-posting form carrying a signed
id_token, issues OAuth2 tokens for the tool's signed client assertion (checked against the tool's
published JWKS), and records what the tool sends to its AGS line items and Deep Linking return;
its NRPS roster is settable. Switch `outage` on to make the grade service answer 503."""

from __future__ import annotations

import html
import json
import re
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
GRADER = "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#Grader"
AGS_SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
]
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"


def new_rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_jwk(private_key, kid: str) -> dict:
    jwk = json.loads(RSAAlgorithm.to_jwk(private_key.public_key()))
    return {**jwk, "kid": kid, "alg": "RS256", "use": "sig"}


@dataclass
class Person:
    sub: str
    given_name: str = "Ada"
    family_name: str = "Learner"
    roles: list[str] = field(default_factory=lambda: [LEARNER])

    @property
    def email(self) -> str:
        return f"{self.sub}@lms.example"


@dataclass
class Received:
    line_items: list[dict] = field(default_factory=list)
    scores: list[dict] = field(default_factory=list)
    tokens: list[dict] = field(default_factory=list)
    deep_links: list[dict] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


class Platform:
    client_id = "portal-tool"
    deployment_id = "deployment-1"
    context_id = "course-101"

    def __init__(self):
        self.key = new_rsa_key()
        self.kid = "platform-key-1"
        self.received = Received()
        self.outage = False
        self.roster: list[Person] = []
        self.tool_jwks_url = ""
        self.launches: dict[str, dict] = {}  # lti_message_hint -> launch description
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # --- life cycle --------------------------------------------------------------------------
    def __enter__(self) -> Platform:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def issuer(self) -> str:
        return self.url

    def registration_fields(self) -> dict:
        return {
            "issuer": self.issuer,
            "client_id": self.client_id,
            "auth_url": f"{self.url}/auth",
            "token_url": f"{self.url}/token",
            "keyset_url": f"{self.url}/jwks",
        }

    # --- what a test asks of the platform -----------------------------------------------------
    def login_params(self, person: Person, target_link_uri: str, **launch) -> dict:
        """The OIDC third-party login initiation the LMS sends (through the browser)."""
        hint = uuid.uuid4().hex
        self.launches[hint] = {"person": person, **launch}
        return {
            "iss": self.issuer,
            "login_hint": person.sub,
            "target_link_uri": target_link_uri,
            "lti_message_hint": hint,
            "client_id": self.client_id,
            "lti_deployment_id": launch.get("deployment_id", self.deployment_id),
        }

    def login_url(self, tool_login_url: str, person: Person, target_link_uri: str, **launch):
        return f"{tool_login_url}?{urlencode(self.login_params(person, target_link_uri, **launch))}"

    def id_token(self, *, person: Person, nonce: str, redirect_uri: str, launch: dict) -> str:
        now = int(time.time())
        message_type = launch.get("message_type", "LtiResourceLinkRequest")
        claims = {
            "iss": self.issuer,
            "aud": launch.get("aud", self.client_id),
            "azp": self.client_id,
            "sub": person.sub,
            "iat": now,
            "exp": now + launch.get("lifetime", 300),
            "nonce": nonce,
            "given_name": person.given_name,
            "family_name": person.family_name,
            "name": f"{person.given_name} {person.family_name}",
            "email": person.email,
            LTI + "deployment_id": launch.get("deployment_id", self.deployment_id),
            LTI + "message_type": message_type,
            LTI + "version": "1.3.0",
            LTI + "target_link_uri": redirect_uri,
            LTI + "roles": person.roles,
            LTI + "context": {
                "id": self.context_id,
                "label": "PATH101",
                "title": "Pathology 101",
                "type": ["http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"],
            },
            LTI + "custom": launch.get("custom", {}),
            "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": {
                "scope": AGS_SCOPES,
                "lineitems": f"{self.url}/contexts/{self.context_id}/lineitems",
            },
            "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice": {
                "context_memberships_url": f"{self.url}/contexts/{self.context_id}/memberships",
                "service_versions": ["2.0"],
            },
        }
        if message_type == "LtiResourceLinkRequest":
            claims[LTI + "resource_link"] = {"id": launch.get("resource_link", "link-1")}
        else:
            claims["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"] = {
                "deep_link_return_url": f"{self.url}/deep_link_return",
                "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["iframe", "window"],
                "data": "opaque-platform-data",
            }
        key = launch.get("signing_key", self.key)
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": self.kid})

    def auto_post(self, query: dict) -> tuple[int, str]:
        """The platform's auth endpoint: check the tool's authentication request, answer with
        a form that posts id_token and state to the tool's redirect_uri."""
        one = {name: values[0] for name, values in query.items()}
        launch = self.launches.get(one.get("lti_message_hint", ""))
        if launch is None or one.get("client_id") != self.client_id:
            return 400, "unknown login"
        if one.get("response_type") != "id_token" or one.get("scope") != "openid":
            return 400, "bad authentication request"
        token = self.id_token(
            person=launch["person"],
            nonce=one["nonce"],
            redirect_uri=one["redirect_uri"],
            launch=launch,
        )
        fields = {"id_token": token, "state": one["state"]}
        inputs = "".join(
            f'<input type="hidden" name="{name}" value="{html.escape(value)}">'
            for name, value in fields.items()
        )
        page = (
            f'<html><body><form id="f" method="post" action="{html.escape(one["redirect_uri"])}">'
            f"{inputs}</form><script>document.getElementById('f').submit()</script></body></html>"
        )
        return 200, page

    # --- the tool's service calls -------------------------------------------------------------
    def tool_key_for(self, token: str):
        kid = jwt.get_unverified_header(token).get("kid")
        keys = requests.get(self.tool_jwks_url, timeout=5).json()["keys"]
        for key in keys:
            if key.get("kid") == kid:
                return RSAAlgorithm.from_jwk(json.dumps(key))
        raise jwt.InvalidTokenError(f"no key {kid} in the tool's JWKS")

    def issue_token(self, form: dict) -> tuple[int, dict]:
        assertion = form.get("client_assertion", "")
        try:
            claims = jwt.decode(
                assertion,
                self.tool_key_for(assertion),
                algorithms=["RS256"],
                audience=f"{self.url}/token",
            )
        except jwt.InvalidTokenError as error:
            self.received.refused.append(f"token: {error}")
            return 401, {"error": "invalid_client"}
        if claims.get("iss") != self.client_id or claims.get("sub") != self.client_id:
            return 401, {"error": "invalid_client"}
        token = secrets.token_urlsafe(24)
        with self._lock:
            self.received.tokens.append({"token": token, "scope": form.get("scope", "")})
        return 200, {"access_token": token, "token_type": "Bearer", "expires_in": 3600}

    def authorised(self, header: str | None) -> bool:
        token = (header or "").removeprefix("Bearer ")
        return any(issued["token"] == token for issued in self.received.tokens)

    def receive_deep_link(self, form: dict) -> tuple[int, str]:
        token = form.get("JWT", "")
        try:
            claims = jwt.decode(
                token, self.tool_key_for(token), algorithms=["RS256"], audience=self.issuer
            )
        except jwt.InvalidTokenError as error:
            self.received.refused.append(f"deep link: {error}")
            return 400, "bad deep linking response"
        self.received.deep_links.append(claims)
        return 200, "<html><body>Placed.</body></html>"

    def members(self) -> dict:
        return {
            "id": f"{self.url}/contexts/{self.context_id}/memberships",
            "context": {"id": self.context_id, "label": "PATH101", "title": "Pathology 101"},
            "members": [
                {
                    "status": "Active",
                    "user_id": person.sub,
                    "given_name": person.given_name,
                    "family_name": person.family_name,
                    "name": f"{person.given_name} {person.family_name}",
                    "email": person.email,
                    "roles": person.roles,
                }
                for person in self.roster
            ],
        }


def form_fields(page: str, holding: str | None = None) -> tuple[str, dict]:
    """The action and hidden fields of an auto-posting form (as a browser would submit it): the
    page's first form, or the first holding an input named `holding`."""
    for form in re.findall(r"<form\b.*?</form>", page, flags=re.S):
        fields = {
            name: html.unescape(value)
            for name, value in re.findall(
                r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form
            )
        }
        if holding is None or holding in fields:
            action = html.unescape(re.search(r'action="([^"]*)"', form).group(1))
            return action, fields
    raise AssertionError("no such form on the page")


def _handler_for(platform: Platform):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep test output quiet
            pass

        def _send(self, status: int, body, content_type: str = "application/json"):
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def _form(self) -> dict:
            return {k: v[0] for k, v in parse_qs(self._body().decode()).items()}

        def do_GET(self):
            parts = urlsplit(self.path)
            if parts.path == "/jwks":
                return self._send(200, {"keys": [public_jwk(platform.key, platform.kid)]})
            if parts.path == "/auth":
                status, page = platform.auto_post(parse_qs(parts.query))
                return self._send(status, page, "text/html")
            if not platform.authorised(self.headers.get("Authorization")):
                return self._send(401, {"error": "no token"})
            if parts.path.endswith("/memberships"):
                return self._send(
                    200,
                    platform.members(),
                    "application/vnd.ims.lti-nrps.v2.membershipcontainer+json",
                )
            if parts.path.endswith("/lineitems"):
                if platform.outage:
                    return self._send(503, {"error": "down"})
                prefix = f"{platform.url}{parts.path}/"  # a course lists its own columns only
                return self._send(
                    200,
                    [
                        item
                        for item in platform.received.line_items
                        if item["id"].startswith(prefix)
                    ],
                    "application/vnd.ims.lis.v2.lineitemcontainer+json",
                )
            return self._send(404, {"error": "not found"})

        def do_POST(self):
            path = urlsplit(self.path).path
            if path == "/auth":
                status, page = platform.auto_post(parse_qs(self._body().decode()))
                return self._send(status, page, "text/html")
            if path == "/token":
                return self._send(*platform.issue_token(self._form()))
            if path == "/deep_link_return":
                status, page = platform.receive_deep_link(self._form())
                return self._send(status, page, "text/html")
            if not platform.authorised(self.headers.get("Authorization")):
                return self._send(401, {"error": "no token"})
            if platform.outage:
                return self._send(503, {"error": "down"})
            body = json.loads(self._body() or b"{}")
            if path.endswith("/lineitems"):
                with platform._lock:
                    item = {
                        **body,
                        "id": f"{platform.url}{path}/{len(platform.received.line_items) + 1}",
                    }
                    platform.received.line_items.append(item)
                return self._send(201, item, "application/vnd.ims.lis.v2.lineitem+json")
            if path.endswith("/scores"):
                with platform._lock:
                    platform.received.scores.append(
                        {**body, "line_item": f"{platform.url}{path[: -len('/scores')]}"}
                    )
                return self._send(200, {})
            return self._send(404, {"error": "not found"})

    return Handler
