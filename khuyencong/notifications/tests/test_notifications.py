"""Notifications: notify writes in-app rows and e-mails, the list, unread count, marking read, digest."""

from __future__ import annotations

from django.core import mail
from django.core.management import call_command
from django.db import transaction

from khuyencong.core import todo
from khuyencong.core.todo import TodoItem, TodoList
from khuyencong.notifications import channels
from khuyencong.notifications.digest import send_daily_digest
from khuyencong.notifications.models import Notification
from khuyencong.notifications.services import notify
from khuyencong.testing.fixtures import TODAY


def test_notify_writes_rows_and_sends_mail_after_commit(personas, django_capture_on_commit_callbacks) -> None:
    officer, rep = personas["province_officer"], personas["establishment_rep"]
    officer.email = "tinh@example.vn"
    officer.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert notify([officer, rep, officer], "test.kind", "Có việc mới", "/co-so/") == 2
    assert Notification.objects.filter(kind="test.kind").count() == 2
    assert [m.to for m in mail.outbox] == [["tinh@example.vn"]]  # one e-mail: the representative has no address
    assert "http://" in mail.outbox[0].body and mail.outbox[0].body.endswith("/co-so/")


def test_a_rolled_back_action_sends_nothing(personas) -> None:
    officer = personas["province_officer"]
    officer.email = "tinh@example.vn"
    officer.save()
    try:
        with transaction.atomic():
            notify([officer], "test.kind", "Sẽ bị hủy")
            raise RuntimeError
    except RuntimeError:
        pass
    assert not Notification.objects.exists() and mail.outbox == []


def test_the_list_the_unread_count_and_marking_read(client, personas, django_assert_max_num_queries) -> None:
    rep, other = personas["establishment_rep"], personas["auditor"]
    for i in range(3):
        notify([rep], "test.kind", f"Thông báo số {i}", "/co-so/", email=False)
    foreign = Notification.objects.create(recipient=other, kind="x", text="Của người khác")
    client.force_login(rep)
    client.get("/thong-bao/")  # session and area computed once
    with django_assert_max_num_queries(12):
        page = client.get("/thong-bao/").content.decode()
    assert "Thông báo số 2" in page and "Của người khác" not in page
    assert '<span class="badge count" aria-label="chưa đọc">3</span>' in page
    first = Notification.objects.filter(recipient=rep).last()
    opened = client.post(f"/thong-bao/{first.pk}/mo/")  # type: ignore[union-attr]
    assert opened.status_code == 302 and opened["Location"] == "/co-so/"
    assert Notification.objects.filter(recipient=rep, read_at__isnull=True).count() == 2
    assert client.post(f"/thong-bao/{foreign.pk}/mo/").status_code == 404
    foreign.refresh_from_db()
    assert foreign.read_at is None
    client.post("/thong-bao/doc-het/")
    assert not Notification.objects.filter(recipient=rep, read_at__isnull=True).exists()
    assert '<span class="badge count"' not in client.get("/thong-bao/").content.decode()


def test_the_header_count_is_one_query(client, personas, django_assert_num_queries) -> None:
    from django.template import Context, Template
    from django.test import RequestFactory

    from khuyencong.notifications.context_processors import unread_notifications

    rep = personas["establishment_rep"]
    notify([rep], "test.kind", "Một", email=False)
    request = RequestFactory().get("/")
    request.user = rep
    context = unread_notifications(request)  # lazy: no query until a template reads it
    with django_assert_num_queries(1):
        rendered = Template("{% if n %}{{ n }}{% endif %}").render(Context({"n": context["unread_notifications"]}))
    assert rendered == "1"


def test_zalo_is_a_documented_stub_not_registered() -> None:
    assert {c.key for c in channels.CHANNELS} == {"in_app", "email"}
    doc = channels.ZaloOfficialAccountChannel.__doc__ or ""
    assert "NOT registered" in doc


def test_the_daily_digest_mails_officers_their_to_do_once(personas, monkeypatch,
                                                          django_capture_on_commit_callbacks) -> None:
    officer = personas["commune_officer_a"]
    officer.email = "xa@example.vn"
    officer.save()

    def due(user, *, today):  # type: ignore[no-untyped-def]
        if user.pk != officer.pk:
            return None
        return TodoList(title="Hồ sơ chờ duyệt", count=2, url="/de-an/",
                        items=[TodoItem(label="Đề án máy sấy", url="/de-an/1/", due=TODAY)])

    monkeypatch.setattr(todo, "_SOURCES", {"test.due": due})
    with django_capture_on_commit_callbacks(execute=True):
        assert send_daily_digest(today=TODAY) == 1
    assert [m.to for m in mail.outbox] == [["xa@example.vn"]]
    body = mail.outbox[0].body
    assert "Hồ sơ chờ duyệt: 2" in body and "Đề án máy sấy (hạn 26/11/2026)" in body
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_digest")  # the same day again (tests run on TODAY): nothing more
        assert send_daily_digest(today=TODAY) == 0
    assert Notification.objects.filter(recipient=officer, kind="digest.daily").count() == 1 and len(mail.outbox) == 1


def test_a_mail_server_down_is_logged_not_a_failure(personas, monkeypatch, django_capture_on_commit_callbacks) -> None:
    import smtplib

    def broken(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise smtplib.SMTPServerDisconnected("down")

    officer = personas["province_officer"]
    officer.email = "tinh@example.vn"
    officer.save()
    monkeypatch.setattr(channels, "send_mass_mail", broken)
    with django_capture_on_commit_callbacks(execute=True):
        notify([officer], "test.kind", "Vẫn lưu")
    assert Notification.objects.filter(recipient=officer).count() == 1
