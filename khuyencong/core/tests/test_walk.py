"""Every role walks its menu: no link or GET button it is shown answers 403, 404 or a server error.

For each persona the walk starts at the home page, opens every entry of the main menu and every link
on the home page, then every link and GET form (search, filters, exports) on those pages — two clicks
from home, within the site. A link the user is shown but may not follow means the menu or the
template and the view disagree: they must ask the same named check (``core/permissions.py``).
The data is one record of each kind in commune A and one in commune B (the permission matrix's
world), plus a selection round being scored, so list pages have detail links to follow.
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from django.test import Client

from khuyencong.accounts.models import Role
from khuyencong.core.tests.test_permission_matrix import _side
from khuyencong.testing.fixtures import COMMUNE_A, COMMUNE_B, make_user

SKIP_PREFIXES = ("/static/", "/media/", "/admin/", "/api/", "/dang-xuat", "/i18n/")


class _Links(HTMLParser):
    """The GET targets of a page: ``a[href]`` and GET forms with their default field values."""

    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []
        self.in_nav = False
        self.nav: list[str] = []
        self._form: dict[str, Any] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "nav" and "main-nav" in a.get("class", ""):
            self.in_nav = True
        elif tag == "a" and a.get("href"):
            (self.nav if self.in_nav else self.targets).append(a["href"])
        elif tag == "form" and a.get("method", "get").lower() == "get":
            self._form = {"action": a.get("action", ""), "fields": []}
        elif self._form is not None:
            self._field(tag, a)

    def _field(self, tag: str, a: dict[str, str]) -> None:
        assert self._form is not None
        if tag == "input" and a.get("name") and a.get("type", "text") not in ("submit", "checkbox", "radio"):
            self._form["fields"].append((a["name"], a.get("value", "")))
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self._form["fields"].append((self._select, a.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav":
            self.in_nav = False
        elif tag == "select":
            self._select = None
        elif tag == "form" and self._form is not None:
            query = urlencode([(k, v) for k, v in self._form["fields"] if v])
            self.targets.append(self._form["action"] + (f"?{query}" if query else ""))
            self._form = None


def links(page_url: str, html: str) -> tuple[list[str], list[str]]:
    """(menu entries, other targets) of a page as site paths; outside links, anchors and assets dropped."""
    parser = _Links()
    parser.feed(html)

    def inside(hrefs: list[str]) -> list[str]:
        out = []
        for href in hrefs:
            url = urlsplit(urljoin(f"http://testserver{page_url}", href))
            if url.netloc != "testserver" or url.path.startswith(SKIP_PREFIXES):
                continue
            out.append(url.path + (f"?{url.query}" if url.query else ""))
        return out

    return inside(parser.nav), inside(parser.targets)


@pytest.fixture
def world(personas, est_a, est_b) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Records on both sides, and a 2016 round being scored by a council (secretary + juror)."""
    from khuyencong.products import services as products
    from khuyencong.products.models import MemberRole
    from khuyencong.products.tests.conftest import make_product, make_round

    actor = personas["province_admin"]
    _side("LEAKA", COMMUNE_A, est_a, actor)
    _side("LEAKB", COMMUNE_B, est_b, actor)
    officer = personas["province_officer"]
    secretary = make_user("secretary", Role.COUNCIL_MEMBER)
    selection_round = make_round(officer, year=2016, organiser=est_a.commune.parent)
    council = products.council_create(actor=officer, selection_round=selection_round, name="Hội đồng 2016")
    products.council_member_add(actor=officer, council=council, user=secretary, role=MemberRole.SECRETARY)
    products.council_member_add(actor=officer, council=council, user=personas["council_member"],
                                role=MemberRole.JUROR)
    products.nomination_create(actor=officer, selection_round=selection_round, submitted_on=dt.date(2016, 6, 1),
                               product=make_product(est_a, "Hạt điều rang muối", group_code="agro_food"),
                               made_by_establishment=True)
    products.round_start_scoring(actor=secretary, selection_round=selection_round)
    return {"secretary": secretary}


def shape(url: str) -> str:
    """The view a URL reaches, regardless of which record or filter value: /co-so/12/?q=a → /co-so/N/?q."""
    parts = urlsplit(url)
    keys = sorted({pair.split("=")[0] for pair in parts.query.split("&") if pair})
    return re.sub(r"\d+", "N", parts.path) + ("?" + "&".join(keys) if keys else "")


def _walk(client: Client) -> dict[str, tuple[int, str]]:
    """Every kind of target two clicks from home (one URL per view and set of parameters) → (status, found on)."""
    home = client.get("/")
    assert home.status_code == 200
    menu, on_home = links("/", home.content.decode())
    answers: dict[str, tuple[int, str]] = {"/": (200, "")}
    seen = {shape("/")}
    second: list[tuple[str, str]] = []
    for url in [*menu, *on_home]:
        if shape(url) in seen:
            continue
        seen.add(shape(url))
        response = client.get(url)
        answers[url] = (response.status_code, "/")
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            _menu, targets = links(url, response.content.decode())
            second += [(target, url) for target in targets]  # the menu is the same on every page
    for url, found_on in second:
        if shape(url) not in seen:
            seen.add(shape(url))
            answers[url] = (client.get(url).status_code, found_on)
    return answers


PERSONAS = ["province_admin", "province_officer", "commune_officer_a", "commune_officer_b", "council_member",
            "secretary", "establishment_rep", "auditor", "outsider"]


def test_every_link_and_button_two_clicks_from_home_opens(personas, world) -> None:
    """One test for all roles, so the world is built once; every role's broken links are reported together."""
    broken, walked = {}, {}
    for persona in PERSONAS:
        client = Client()
        client.force_login(world["secretary"] if persona == "secretary" else personas[persona])
        answers = _walk(client)
        walked[persona] = len(answers)
        bad = {url: answer for url, answer in answers.items() if answer[0] in (403, 404) or answer[0] >= 500}
        if bad:
            broken[persona] = bad
    assert not broken, broken
    # The walk really went somewhere: every role with a menu reached more than its home page.
    assert all(n > 5 for persona, n in walked.items() if persona != "outsider"), walked


def test_the_walk_reads_menus_links_and_get_forms_and_drops_the_rest() -> None:
    html = """<nav class="main-nav"><a href="/co-so/">Cơ sở</a></nav><main><a href="/de-an/3/">KC</a>
      <a href="https://example.org/">x</a><a href="/static/app.css">css</a><a href="#top">top</a>
      <form method="get" action="/dao-tao/"><input name="q" value="an"><select name="status">
      <option value="a">A</option><option value="b" selected>B</option></select><button>Tìm</button></form>
      <form method="post" action="/dang-xuat/"><button>Đăng xuất</button></form></main>"""
    menu, targets = links("/de-an/", html)
    assert menu == ["/co-so/"]
    assert targets == ["/de-an/3/", "/de-an/", "/dao-tao/?q=an&status=b"]
    assert shape("/de-an/12/?page=2&q=x") == shape("/de-an/7/?q=y&page=1") == "/de-an/N/?page&q"
