"""Which role may open which page. Scoping of rows stays in selectors
(student_queryset_for_user); this only answers 403 for a role that has no business on a page."""

from collections.abc import Callable, Iterable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def role_required(roles: Iterable[str]) -> Callable:
    """Login required, then 403 unless the user's role is one of `roles` (or superuser)."""
    allowed = frozenset(roles)

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not (user.is_superuser or user.role in allowed):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


def allowed(predicate: Callable) -> Callable:
    """Signed in, and `predicate(user)` holds; else 403 (for rules finer than a role list)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
