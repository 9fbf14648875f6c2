"""The signed-in user's notification list; marking one or all read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khuyencong.core.requests import AuthenticatedHttpRequest
from khuyencong.notifications import selectors, services

PAGE_SIZE = 30


@login_required
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(selectors.notification_list(request.user), PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_POST
def notification_open(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Mark read, then go to what it is about (a link inside this site only)."""
    found = services.mark_read(user=request.user, notification_id=pk)
    if found is None:
        raise Http404
    safe = found.link and url_has_allowed_host_and_scheme(found.link, allowed_hosts={request.get_host()})
    return redirect(found.link if safe else "notifications:list")


@login_required
@require_POST
def notification_read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    count = services.mark_all_read(user=request.user)
    messages.success(request, _("Đã đánh dấu %(n)s thông báo là đã đọc.") % {"n": count})
    return redirect("notifications:list")
