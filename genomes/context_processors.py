"""Template context every page gets: the patient groups with the cases the user may see."""
from django.db.models import Count

from core.access import departments_with_patient_access, user_is_administrator
from core.models import PatientGroup
from genomes.selectors import visible_case_filter


def navigation(request):
    """Patient groups with the number of cases the user can see, for the side navigation."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    department_ids = departments_with_patient_access(user)
    # Explicit order: Django ignores Meta.ordering on aggregated (GROUP BY) queries.
    groups = PatientGroup.objects.annotate(
        visible_cases=Count("cases", filter=visible_case_filter(department_ids, prefix="cases__"), distinct=True)
    ).order_by("number")
    return {"nav_patient_groups": groups, "nav_is_administrator": user_is_administrator(user)}
