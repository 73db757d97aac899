# cella: `make run` sets everything up and runs a demo; `make test` builds
# and runs every test (unit, app, and the sanitizer build of the host side).
BUILD ?= build
ASAN_BUILD ?= build-asan
PREFIX ?= /usr/local
JOBS ?= $(shell nproc)

.PHONY: all build deps run test test-fast bench install clean python-tests

all: build

deps:
	@scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

run: build
	@scripts/demo.sh $(BUILD)/bin/cella $(BUILD)/demo

# The host side and the unit-tested LibOS parts again under ASan and UBSan.
asan: deps
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DCELLA_SANITIZE=ON -DCELLA_BUILD_LIBOS=OFF >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)

test: build asan
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	@cd $(ASAN_BUILD) && ctest --output-on-failure -j $(JOBS)

bench: build
	@$(BUILD)/bin/cella-bench-startup
	@$(BUILD)/bin/cella-bench-syscall
	@$(BUILD)/bin/cella-bench-threads
	@$(BUILD)/bin/cella-bench-mmap
	@$(BUILD)/bin/cella-bench-processes
	@$(BUILD)/bin/cella-bench-files
	@$(BUILD)/bin/cella-bench-net

# CPython's regression tests natively and in cella, totals side by side
# (long: not part of `make test`). PYTHON_TESTS="test_os test_io" picks modules.
python-tests: build
	@scripts/python-tests.sh $(BUILD)/bin/cella $(BUILD)/python-tests $(PYTHON_TESTS)

install: build
	@cmake --install $(BUILD) --prefix $(PREFIX)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
