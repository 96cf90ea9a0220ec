"""Template context of the platform core."""


def security(request):
    """The request's Content Security Policy nonce, for the rare inline script a template must carry."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}
