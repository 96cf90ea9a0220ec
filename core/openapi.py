"""How the OpenAPI schema (drf-spectacular) describes the platform's authentication: API tokens as HTTP bearer
tokens; the anonymous throttle is a guard, not a way in, and adds no scheme of its own."""
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "core.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "An API token (manage.py create_api_token), scoped to departments."}


class AnonymousThrottleScheme(ApiTokenScheme):
    """The throttle only refuses too many bad or anonymous calls; in the schema it is the token scheme again."""

    target_class = "core.authentication.AnonymousThrottle"
