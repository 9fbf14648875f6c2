# Two commands for a newcomer: `make demo` (run with demo data on SQLite) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install demo test lint check-deploy lock clean

# Dependencies come from the hash-pinned lock (supply chain); the project itself is installed on top.
$(STAMP): pyproject.toml requirements/dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

demo: install
	KHUYENCONG_ENV=development $(BIN)/khuyencong migrate --noinput
	KHUYENCONG_ENV=development $(BIN)/khuyencong load_demo
	@echo ""
	@echo "KhuyenCong đang chạy tại http://$(HOST):$(PORT)/  (Ctrl+C để dừng)"
	# DEBUG off: visitors of the demo see the application's own 403/404/500 pages, not Django's debug pages.
	KHUYENCONG_ENV=development DEBUG=False $(BIN)/khuyencong runserver $(HOST):$(PORT)

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	KHUYENCONG_ENV=test $(BIN)/mypy khuyencong config
	$(BIN)/lint-imports --no-cache

check-deploy: install
	KHUYENCONG_ENV=production SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
	ALLOWED_HOSTS=khuyencong.example.gov.vn $(BIN)/khuyencong check --deploy --fail-level WARNING

# Re-pin after changing dependencies in pyproject.toml (needs network access to PyPI).
lock:
	$(PYTHON) -m venv .venv-lock && .venv-lock/bin/pip install --quiet pip-tools
	.venv-lock/bin/pip-compile -q --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
	  --no-emit-find-links --extra dev -o requirements/dev.lock pyproject.toml
	.venv-lock/bin/pip-compile -q --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
	  --no-emit-find-links -o requirements/production.lock pyproject.toml
	rm -rf .venv-lock

clean:
	rm -rf $(VENV) var/*.sqlite3*
