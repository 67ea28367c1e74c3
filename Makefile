# Sésame: `make run` opens the window, `make test` runs every test. Both
# install what is missing first (Debian packages, Go tools).
SHELL := /bin/bash
GO ?= go
TAGS := sqlite_fts5
GOFLAGS_TAGS := -tags $(TAGS)
BIN := bin/sesame
# The binary of the smoke run of the real window, built with the race
# detector: the window's background work then runs under its eye too.
RACE_BIN := bin/sesame-race
# A real SMTP server for the e-mail tests, built from source by the Go tool.
MAILPIT := bin/mailpit
MAILPIT_VERSION := v1.27.11
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# The Debian package: FyneApp.toml's version, this machine's architecture,
# built by nfpm (run from the Go module proxy at a pinned version).
VERSION := $(shell sed -n 's/^ *Version *= *"\(.*\)"/\1/p' FyneApp.toml)
ARCH := $(shell dpkg --print-architecture 2>/dev/null || $(GO) env GOARCH)
NFPM_VERSION := v2.45.2
PACKAGE := bin/sesame_$(VERSION)_$(ARCH).deb

# Build needs cgo (SQLite, GLFW); the window needs X and GL headers and
# xclip for the clipboard; the smoke run of the real window needs Xvfb,
# xdotool (keyboard) and ImageMagick (screenshots); the tests of the printed
# hand-out read it back with poppler's pdftotext; the tests of the
# PostgreSQL store start throwaway servers of Debian's PostgreSQL; the
# package's test validates its desktop entries (desktop-file-utils).
DEB_PACKAGES := gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev \
	libxinerama-dev libxi-dev libxxf86vm-dev xvfb xauth xclip xdotool imagemagick curl poppler-utils \
	postgresql postgresql-contrib desktop-file-utils

.PHONY: run test bench bench-ldap bench-policy build deps vet clean package install uninstall test-package

deps:
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing: $$missing"; \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing; \
	fi
	@command -v $(GO) >/dev/null || { echo "Go 1.26 or newer is needed: https://go.dev/dl/"; exit 1; }

build: deps
	CGO_ENABLED=1 $(GO) build $(GOFLAGS_TAGS) -o $(BIN) .

$(RACE_BIN): deps
	CGO_ENABLED=1 $(GO) build $(GOFLAGS_TAGS) -race -o $(RACE_BIN) .

run: build
	./$(BIN)

vet: deps
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet $(GOFLAGS_TAGS) ./...

$(MAILPIT):
	GOBIN=$(CURDIR)/bin $(GO) install github.com/axllent/mailpit@$(MAILPIT_VERSION)

# LANG: Fyne reads the locale at start-up and complains about "C".
# SESAME_SMOKE: the real window under Xvfb, driven by the keyboard, built
# with -race (SESAME_RACE_BIN); the command line's tests use the plain one.
# SESAME_UI_ASYNC: the window's tests run its background work on
# goroutines, results back through fyne.Do, under -race.
# SESAME_POSTGRES: the server's programs (outside PATH on Debian); set, it
# makes the PostgreSQL tests fail rather than skip when they are missing.
test: vet build $(RACE_BIN) $(MAILPIT)
	CGO_ENABLED=1 LANG=en_US.UTF-8 SESAME_BIN=$(CURDIR)/$(BIN) SESAME_RACE_BIN=$(CURDIR)/$(RACE_BIN) \
		SESAME_MAILPIT=$(CURDIR)/$(MAILPIT) SESAME_SMOKE=1 SESAME_UI_ASYNC=goroutines \
		SESAME_POSTGRES="$$(pg_config --bindir 2>/dev/null || echo 'not installed')" \
		$(GO) test $(GOFLAGS_TAGS) -race -count=1 -timeout 30m ./...

# package builds the Debian package of the desktop app into bin/; install
# installs it with its dependencies (apt-get, with sudo when not root);
# uninstall removes it, and leaves nothing but the users' own data.
package: build
	VERSION=$(VERSION) ARCH=$(ARCH) $(GO) run github.com/goreleaser/nfpm/v2/cmd/nfpm@$(NFPM_VERSION) \
		package --config assets/package/nfpm.yaml --packager deb --target $(PACKAGE)

install: package
	$(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y ./$(PACKAGE)

uninstall:
	$(SUDO) DEBIAN_FRONTEND=noninteractive apt-get purge -y sesame

# test-package checks the package's files and fields (not part of make
# test: building nfpm the first time takes a minute).
test-package: package
	SESAME_PACKAGE=$(CURDIR)/$(PACKAGE) $(GO) test $(GOFLAGS_TAGS) -count=1 -run '^TestDebianPackage$$' .

bench: build
	$(GO) test $(GOFLAGS_TAGS) -run '^$$' -bench . -benchmem ./...

# Measurements against a peer or lists fetched for them; not part of
# make test (docs/BENCHMARKS.md has their figures).
bench-ldap: deps
	bash docs/bench/ldap.sh

bench-policy: deps
	bash docs/bench/policy.sh

clean:
	rm -rf bin
