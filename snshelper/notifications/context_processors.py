from snshelper.notifications import selectors


def unread(request):
    """The count on the notification bell in the header."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notices": selectors.unread_count(user)}
