from django.contrib.auth.middleware import LoginRequiredMiddleware


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
