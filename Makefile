# The README's two commands: `make demo` and `make test`. Both install what is missing first.
JOBS ?= $(shell nproc)

.PHONY: all bootstrap build build-host build-m33 build-m4 build-ct build-debug test test-host test-m33 test-m4 \
        test-ct test-debug test-long demo bench install clean

all: build

bootstrap:
	@scripts/bootstrap

build: build-host

build-host: bootstrap
	@cmake --preset host >/dev/null
	@cmake --build --preset host -j $(JOBS)

build-m33: bootstrap
	@cmake --preset cortex-m33 >/dev/null
	@cmake --build --preset cortex-m33 -j $(JOBS)

build-m4: bootstrap
	@cmake --preset cortex-m4 >/dev/null
	@cmake --build --preset cortex-m4 -j $(JOBS)

# Only the constant-time programs: the rest of the host build is tested in build/.
build-ct: bootstrap
	@cmake --preset host-ct >/dev/null
	@cmake --build --preset host-ct -j $(JOBS) --target ct_all

build-debug: bootstrap
	@cmake --preset host-debug >/dev/null
	@cmake --build --preset host-debug -j $(JOBS)

# The whole suite: host unit + vector tests, on-target tests under QEMU (M33 and M4), the
# valgrind constant-time check and the host suite again under ASan + UBSan (build-debug). Tests
# labelled "long" run only in `make test-long`. Ends with "make test: N passed, N failed,
# N skipped"; with CI=true a skipped test fails the run (docs/building.md, "The test suite").
test: build-host build-m33 build-m4 build-ct build-debug
	@JOBS=$(JOBS) scripts/run-tests

# One suite each, counted and judged like `make test` (scripts/run-tests).
test-host: build-host
	@JOBS=$(JOBS) scripts/run-tests host

test-m33: build-m33
	@JOBS=$(JOBS) scripts/run-tests m33

test-m4: build-m4
	@JOBS=$(JOBS) scripts/run-tests m4

test-ct: build-ct
	@JOBS=$(JOBS) scripts/run-tests ct

test-debug: build-debug
	@JOBS=$(JOBS) scripts/run-tests asan

test-long: build-host
	@JOBS=$(JOBS) scripts/run-tests long

demo: build-host
	build/bin/pqcea demo

# pqcea, the OpenSSL provider, man pages, the systemd unit and an example configuration under
# PREFIX (default /usr/local); DESTDIR stages the tree elsewhere (docs/deploy.md).
PREFIX ?= /usr/local
install: build-host
	DESTDIR="$(DESTDIR)" cmake --install build --prefix "$(PREFIX)"

bench: build-host
	build/bin/pqcea-bench --benchmark_min_time=0.2

clean:
	rm -rf build build-debug build-ct build-m33 build-m4 build-fuzz
