def maintenance(request):
    """The state the middleware read: staff (and the sign-in page) show a banner while it is on."""
    return {"maintenance": getattr(request, "maintenance", None)}
