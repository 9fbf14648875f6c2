# Two commands for a newcomer: `make demo` (run with demo data on SQLite) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install demo test lint check-deploy clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	KHUYENCONG_ENV=development $(BIN)/khuyencong migrate --noinput
	KHUYENCONG_ENV=development $(BIN)/khuyencong load_demo
	@echo ""
	@echo "KhuyenCong đang chạy tại http://$(HOST):$(PORT)/  (Ctrl+C để dừng)"
	KHUYENCONG_ENV=development $(BIN)/khuyencong runserver $(HOST):$(PORT)

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	KHUYENCONG_ENV=test $(BIN)/mypy khuyencong config

check-deploy: install
	KHUYENCONG_ENV=production SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
	ALLOWED_HOSTS=khuyencong.example.gov.vn $(BIN)/khuyencong check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var/*.sqlite3*
