# Two commands for a newcomer: `make demo` and `make test` (see README.md).
BUILD_DIR ?= build
# `make test` also runs the unit and CLI tests under ASan+UBSan (GCC) and the libFuzzer
# targets for a bounded time (clang), each in its own tree.
ASAN_DIR  ?= build-asan
FUZZ_DIR  ?= build-fuzz
FUZZ_SECONDS ?= 30
OUT_DIR   ?= out/demo
JOBS      ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_ARGS ?=

.PHONY: all deps deps-test deps-browser configure build demo test test-format test-sanitize test-fuzz bench format clean

# Any ASan, LeakSanitizer or UBSan report fails the test that produced it. tests/lsan.supp
# lists the third-party leaks that are not Vigía's (each with its reason).
SANITIZER_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
                UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
                LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp
# Optimised a little (-O1, as the sanitizers' authors advise), assertions on, line tables only:
# compiles faster than -O2 -g and keeps every report's stack readable.
SANITIZER_BUILD = -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1"

all: build

deps:
	@scripts/install-deps.sh

deps-test:
	@scripts/install-deps.sh --test

# playwright-core for tests/browser/check_report.mjs (the report tests' headless Chromium), as
# pinned by tests/browser/package-lock.json; installed again only when the lock is newer than
# the install. The install's time is that of node_modules/.package-lock.json, which npm writes
# at every install: the files unpacked from a package may keep the tarball's old dates.
# playwright-core drives Debian's /usr/bin/chromium: no browser is downloaded.
BROWSER_DIR = tests/browser
deps-browser: deps-test
	@if [ ! -f $(BROWSER_DIR)/node_modules/playwright-core/package.json ] || \
	    [ $(BROWSER_DIR)/package-lock.json -nt $(BROWSER_DIR)/node_modules/.package-lock.json ]; then \
	  echo "vigia: npm ci in $(BROWSER_DIR)"; \
	  cd $(BROWSER_DIR) && npm ci --no-audit --no-fund --silent; \
	fi

configure: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release $(CMAKE_ARGS) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

demo: build
	@$(BUILD_DIR)/bin/vigia demo -o $(OUT_DIR) --overwrite

test: deps-test deps-browser build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)
	@$(MAKE) --no-print-directory test-format
	@$(MAKE) --no-print-directory test-sanitize
	@$(MAKE) --no-print-directory test-fuzz

# Every C++ file of the repository as .clang-format wants it (`make format` rewrites them).
test-format: deps-test
	@echo "vigia: clang-format --dry-run --Werror on every tracked .cpp and .hpp"
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run --Werror

# The unit and CLI tests again, built with -fsanitize=address,undefined (no benchmarks; the
# QGIS check is left out: PyQGIS is not built with the sanitizers).
test-sanitize: deps-test
	@echo "vigia: unit and CLI tests under AddressSanitizer and UBSan ($(ASAN_DIR))"
	@cmake -S . -B $(ASAN_DIR) $(SANITIZER_BUILD) -DVIGIA_SANITIZE=ON -DVIGIA_BENCH=OFF >/dev/null
	@$(SANITIZER_ENV) cmake --build $(ASAN_DIR) -j $(JOBS)
	@cd $(ASAN_DIR) && $(SANITIZER_ENV) ctest --output-on-failure -j $(JOBS) -E '^qgis\.'

# The libFuzzer targets of tests/fuzz, FUZZ_SECONDS each, from the committed seeds. Warnings
# are errors in the GCC builds only (clang warns about other things).
test-fuzz: deps-test
	@echo "vigia: fuzzing the time parser, the manifest and the CSV reader, $(FUZZ_SECONDS) s each ($(FUZZ_DIR))"
	@cmake -S . -B $(FUZZ_DIR) -DCMAKE_CXX_COMPILER=clang++-14 $(SANITIZER_BUILD) \
	       -DVIGIA_SANITIZE=ON -DVIGIA_FUZZ=ON -DVIGIA_FUZZ_SECONDS=$(FUZZ_SECONDS) \
	       -DVIGIA_DEVELOPER=OFF -DVIGIA_BENCH=OFF >/dev/null
	@cmake --build $(FUZZ_DIR) -j $(JOBS) --target vigia_fuzzers
	@cd $(FUZZ_DIR) && $(SANITIZER_ENV) ctest --output-on-failure -j $(JOBS) -R '^fuzz\.'

bench: build
	@bench/run_stages.sh
	@bench/run.sh

format:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	@rm -rf $(BUILD_DIR)
