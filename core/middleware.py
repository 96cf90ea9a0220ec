"""Request middleware of the platform: login everywhere but the API, and domain errors as HTTP answers."""
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import Http404

from core.errors import NotFound


class LoginRequiredExceptApiMiddleware(LoginRequiredMiddleware):
    """Every page needs a logged-in user; the API authenticates itself.

    API requests carry bearer tokens that only DRF understands, so redirecting
    them to the login form would be wrong; DRF's IsAuthenticated default answers
    them with 401/403 instead.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class DomainErrorMiddleware:
    """Pages answer a domain NotFound (core.errors) raised below a view as Django's 404."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NotFound):
            raise Http404(str(exception)) from exception
        return None
