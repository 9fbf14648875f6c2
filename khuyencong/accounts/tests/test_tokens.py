"""API tokens (issue 21 point 12): expiry, scope, per-token trail, and no way round the second factor."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.test import APIClient

from khuyencong.accounts.models import ApiToken, ApiTokenUse, TokenScope
from khuyencong.accounts.tokens import token_issue, token_revoke

LIST = "/api/v1/establishments"
pytestmark = pytest.mark.django_db


def api(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def issue(user, **kwargs):  # type: ignore[no-untyped-def]
    return token_issue(actor=None, user=user, **kwargs)


def test_a_token_works_until_it_expires(personas, settings) -> None:
    settings.API_TOKEN_DAYS = 90
    token, key = issue(personas["province_officer"])
    assert token.expires_at.date() == (timezone.now() + dt.timedelta(days=90)).date()
    assert api(key).get(LIST).status_code == 200

    token.expires_at = timezone.now() - dt.timedelta(seconds=1)
    token.save()
    response = api(key).get(LIST)
    assert response.status_code in (401, 403) and "hết hạn" in response.json()["detail"]


def test_only_the_digest_is_stored(personas) -> None:
    token, key = issue(personas["province_officer"])
    assert key not in {token.key_digest, token.prefix} and key.startswith(token.prefix)
    assert not ApiToken.objects.filter(key_digest=key).exists()


def test_read_only_token_refuses_writes(personas) -> None:
    _token, key = issue(personas["province_officer"], scope=TokenScope.READ)
    client = api(key)
    assert client.get(LIST).status_code == 200
    response = client.post(LIST, {}, format="json")
    assert response.status_code == 403 and "chỉ đọc" in response.json()["detail"]


def test_read_write_token_may_write(personas) -> None:
    _token, key = issue(personas["province_officer"], scope=TokenScope.READ_WRITE)
    assert api(key).post(LIST, {}, format="json").status_code == 400  # reaches validation


def test_revoked_token_is_refused_and_revocation_is_in_the_history(personas) -> None:
    token, key = issue(personas["province_officer"])
    token_revoke(actor=None, token=token)
    assert api(key).get(LIST).status_code in (401, 403)
    assert [h.history_type for h in token.history.order_by("history_date")] == ["+", "~"]


def test_each_request_leaves_a_trail_on_its_token(personas) -> None:
    token, key = issue(personas["province_officer"], scope=TokenScope.READ)
    client = api(key)
    client.get(LIST)
    client.post(LIST, {}, format="json")
    token.refresh_from_db()
    assert token.last_used_at is not None
    uses = list(ApiTokenUse.objects.filter(token=token).order_by("pk").values_list("method", "path", "allowed"))
    assert uses == [("GET", LIST, True), ("POST", LIST, False)]


def test_roles_with_a_second_factor_need_an_explicitly_issued_token(personas) -> None:
    admin = personas["province_admin"]
    _plain, plain_key = issue(admin)
    response = api(plain_key).get(LIST)
    assert response.status_code in (401, 403) and "xác thực hai bước" in response.json()["detail"]

    _waived, waived_key = issue(admin, second_factor_waived=True)
    assert api(waived_key).get(LIST).status_code == 200


def test_unknown_key_is_refused(db) -> None:
    assert api("khong-co-that").get(LIST).status_code in (401, 403)  # 403: the session class comes first


def test_command_issues_a_token_shown_once(personas) -> None:
    out = io.StringIO()
    call_command("issue_token", "admin", "--scope", "read", "--days", "30", "--second-factor-waived", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    token = ApiToken.objects.get(user=personas["province_admin"])
    assert (token.scope, token.second_factor_waived) == (TokenScope.READ, True)
    assert api(key).get(LIST).status_code == 200
    with pytest.raises(CommandError):
        call_command("issue_token", "khong-ai", stdout=io.StringIO())
