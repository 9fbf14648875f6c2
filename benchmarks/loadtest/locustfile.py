"""Load profile: officers browsing the registry (list, search, detail, API) and opening the period report.

Run through ``benchmarks/loadtest/run.sh``, which starts the production configuration on loopback.
"""

from __future__ import annotations

import os
import random
import re

from locust import HttpUser, between, task

USERNAME = os.environ.get("LOAD_USERNAME", "canbotinh")
PASSWORD = os.environ.get("LOAD_PASSWORD", "KhuyenCong-Demo-2026")
SEARCHES = ["dieu", "co khi", "may tre", "ba ria", "hop tac xa", "nuoc mam"]


class Officer(HttpUser):
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        page = self.client.get("/dang-nhap/", name="login form")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        self.client.post("/dang-nhap/", {"username": USERNAME, "password": PASSWORD,
                                         "csrfmiddlewaretoken": token.group(1) if token else ""},
                         headers={"Referer": f"{self.host}/dang-nhap/"}, name="login")
        self.ids = [row["id"] for row in self.client.get("/api/v1/establishments", name="api list").json()["results"]]

    @task(4)
    def establishment_list(self) -> None:
        self.client.get(f"/co-so/?page={random.randint(1, 6)}", name="/co-so/ (list)")

    @task(3)
    def search(self) -> None:
        self.client.get(f"/co-so/?q={random.choice(SEARCHES)}", name="/co-so/?q= (search)")

    @task(2)
    def detail(self) -> None:
        if self.ids:
            self.client.get(f"/co-so/{random.choice(self.ids)}/", name="/co-so/<id>/ (detail)")

    @task(1)
    def period_report(self) -> None:
        self.client.get("/bao-cao/?date_from=2014-01-01&date_to=2020-12-31&area=77&boundary_date=2020-12-31",
                        name="/bao-cao/ (period report 2014–2020)")

    @task(1)
    def api_list(self) -> None:
        self.client.get("/api/v1/establishments?sector_group=handicrafts", name="api list filtered")
