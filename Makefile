# Loom — the two commands a newcomer needs are `make weave` and `make test`.
# Everything else here is plumbing: system packages are installed when missing, the toolchain is
# built once (debug: it is I/O-bound; the notes themselves are built in release by loom).

SWIFT    ?= swift
LOOM     := .build/debug/loom
APT_PKGS := libcmark-gfm-dev libcmark-gfm-extensions-dev libopenblas-dev
NOTES    ?=

.PHONY: all weave test test-reseed fuzz tangle build run serve clean bench browser-test deps loom swift-test loom-test help doctor format format-check

all: weave

help:
	@echo "make weave         run the notes (through the cache) and write site/"
	@echo "make test          unit tests + every note tangled, built, run and checked"
	@echo "make test-reseed   run the notes again with every random stream shifted (RESEED=N, default 1)"
	@echo "make doctor        print what loom pins in the notes' arithmetic, and whether this machine reproduces it"
	@echo "make tangle        write the generated package under .loom/build"
	@echo "make serve         serve site/ on http://127.0.0.1:8000, re-weaving on save"
	@echo "make bench         benchmarks against NumPy / PyTorch / Gymnasium (installs them in .bench/)"
	@echo "make browser-test  load every page in headless Chromium"
	@echo "make format        format the toolchain's Swift sources with swift-format (.swift-format)"
	@echo "make format-check  fail if make format would change anything (CI runs it)"
	@echo "make clean         remove .loom/ and site/"

# System libraries (Debian/Ubuntu). Installed only when missing: apt-get as root, sudo otherwise.
deps:
	@bash scripts/ensure-apt.sh $(APT_PKGS)

# Rebuilt only when the toolchain's sources change (a no-change `make weave` skips SwiftPM entirely).
LOOM_SOURCES := Package.swift $(shell find Sources/LoomKit Sources/LoomCLI Sources/loom Sources/TeXMath Sources/CCMarkGFM -type f 2>/dev/null)

loom: deps $(LOOM)

$(LOOM): $(LOOM_SOURCES)
	$(SWIFT) build --product loom
	@touch $(LOOM)

weave: loom
	$(LOOM) weave $(NOTES)

tangle: loom
	$(LOOM) tangle $(NOTES)

build: loom
	$(LOOM) build $(NOTES)

run: loom
	$(LOOM) run $(NOTES)

serve: loom
	$(LOOM) serve

# Unit tests (Swift Testing) and every note as a test; ends with one line "N passed, N failed".
test: loom
	@bash scripts/test.sh $(NOTES)

# The notes again, with every random stream shifted: a claim that holds at one N and not at another
# is not a result. Builds are shared with `make test`; runs go to their own cache.
RESEED ?= 1
RESEED_NOTES ?= $(shell cat notes/reseed-checked.txt 2>/dev/null | grep -v '^\#')
test-reseed: loom
	$(LOOM) test --reseed $(RESEED) $(RESEED_NOTES)

# Random inputs to the reader, highlighter and TeX converter for FUZZ_SECONDS (default 300); any
# input slower than 5 s is kept in Tests/LoomKitTests/Fixtures/fuzz/ and becomes a regression test.
FUZZ_SECONDS ?= 300
fuzz: deps
	$(SWIFT) build --product loom-fuzz
	.build/debug/loom-fuzz $(FUZZ_SECONDS) $(FUZZ_SEED)

doctor: loom
	@$(LOOM) doctor

# The toolchain's sources and tests, formatted by the swift-format that ships with Swift 6
# (.swift-format holds the style). The note libraries (NumericCore, Plotting, …) are not in the list
# yet: reformatting them changes every note's cache key, so they will be formatted in one go.
FORMAT_DIRS := Sources/LoomKit Sources/LoomCLI Sources/loom Sources/TeXMath Tests/LoomKitTests Tests/LoomCLITests Tests/TeXMathTests
format:
	$(SWIFT) format --in-place --parallel --recursive $(FORMAT_DIRS)

# Fails (naming file:line and the rule) when `make format` would change anything; CI runs it.
format-check:
	$(SWIFT) format lint --strict --parallel --recursive $(FORMAT_DIRS)

clean:
	@if [ -x $(LOOM) ]; then $(LOOM) clean --site; else rm -rf .loom site; fi

bench: deps
	@bash Benchmarks/run.sh

browser-test: weave
	@bash scripts/browser-test.sh
