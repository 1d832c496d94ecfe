# RegLedger developer entry points. Every target installs what is missing first.
SHELL := /bin/bash
JOBS ?= $(shell nproc)
RELEASE_DIR := build/release
ASAN_DIR := build/asan
CMAKE_COMMON := -G Ninja -DCMAKE_EXPORT_COMPILE_COMMANDS=ON
# Let ccache hit across clones of the repository in different directories (CI uses a fresh one).
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1

.PHONY: all deps build build-asan test test-unit test-release demo bench bench-permissions bench-encryption bench-sealed soak fmt fmt-check fuzz install package clean help

all: build

help:
	@echo "make demo   - install deps, build, run the end-to-end demo on a local network"
	@echo "make test   - install deps, build Release + Debug/ASan/UBSan, run the whole suite"
	@echo "make build  - Release build in $(RELEASE_DIR)"
	@echo "make bench  - run the benchmarks in bench/ (not part of make test)"
	@echo "make bench-permissions - single-node ingest with and without the permission checks"
	@echo "make bench-encryption  - single-node ingest with and without encryption at rest"
	@echo "make bench-sealed      - sealed reports: seal/open 1 MiB (t=3 of n=4), key releases/s"
	@echo "make soak   - long simulator / cluster soak runs (ctest label 'soak')"
	@echo "make fuzz   - build the libFuzzer targets with clang and run each briefly"
	@echo "make fmt    - clang-format every C++ file in place"
	@echo "make install [PREFIX=/usr/local] [DESTDIR=] - regledgerd, regledger, systemd unit, /etc/regledger"
	@echo "make package - the Debian package (CPack) in $(RELEASE_DIR)"

deps:
	@bash scripts/install-deps.sh

$(RELEASE_DIR)/build.ninja:
	cmake -S . -B $(RELEASE_DIR) $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=Release -DREGLEDGER_TEST_SET=nonunit

$(ASAN_DIR)/build.ninja:
	cmake -S . -B $(ASAN_DIR) $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=Debug -DREGLEDGER_SANITIZE=ON -DREGLEDGER_TEST_SET=unit

build: deps $(RELEASE_DIR)/build.ninja
	cmake --build $(RELEASE_DIR) -j $(JOBS)

build-asan: deps $(ASAN_DIR)/build.ninja
	cmake --build $(ASAN_DIR) -j $(JOBS) --target test_binaries

# Unit tests run under ASan/UBSan; simulator, cluster and tool tests run on the Release build.
test-unit: build-asan
	cd $(ASAN_DIR) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest -L unit --output-on-failure -j $(JOBS) --timeout 600

test-release: deps $(RELEASE_DIR)/build.ninja
	cmake --build $(RELEASE_DIR) -j $(JOBS) --target test_binaries
	cd $(RELEASE_DIR) && ctest -LE 'unit|soak' --output-on-failure -j $(JOBS) --timeout 900

test: test-unit test-release
	@echo "make test: all suites passed"

demo: build
	@bash scripts/demo.sh $(RELEASE_DIR)

bench: build
	@bash scripts/install-deps.sh --bench
	cmake --build $(RELEASE_DIR) -j $(JOBS) --target benches
	@bash scripts/bench.sh $(RELEASE_DIR)

# Issue #5: what the write path's permission checks cost (PERMISSION_BENCH_ARGS, e.g. "--runs 7").
bench-permissions: deps $(RELEASE_DIR)/build.ninja
	cmake --build $(RELEASE_DIR) -j $(JOBS) --target permission_bench
	$(RELEASE_DIR)/bench/ledger/permission_bench $(PERMISSION_BENCH_ARGS)

# Issue #14: what encryption at rest costs on the same ingest path (ENCRYPTION_BENCH_ARGS).
bench-encryption: deps $(RELEASE_DIR)/build.ninja
	cmake --build $(RELEASE_DIR) -j $(JOBS) --target permission_bench
	$(RELEASE_DIR)/bench/ledger/permission_bench --compare encryption --queries 0 $(ENCRYPTION_BENCH_ARGS)

bench-sealed: deps $(RELEASE_DIR)/build.ninja
	cmake --build $(RELEASE_DIR) -j $(JOBS) --target sealed_bench
	$(RELEASE_DIR)/bench/ledger/sealed_bench
	$(RELEASE_DIR)/bench/ledger/sealed_bench --suite sm2-sm3

soak: build
	cd $(RELEASE_DIR) && ctest -L soak --output-on-failure

fuzz: deps
	cmake -S . -B build/fuzz $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=clang++ -DREGLEDGER_FUZZ=ON -DREGLEDGER_BENCH=OFF
	cmake --build build/fuzz -j $(JOBS) --target fuzzers
	@bash scripts/fuzz.sh build/fuzz

# Packaging (decision 0069; rules in packaging/CMakeLists.txt). Only the two programs are built.
PREFIX ?= /usr/local
install: deps $(RELEASE_DIR)/build.ninja
	cmake --build $(RELEASE_DIR) -j $(JOBS) --target regledgerd regledger
	DESTDIR="$(DESTDIR)" cmake --install $(RELEASE_DIR) --prefix "$(PREFIX)"

package: deps $(RELEASE_DIR)/build.ninja
	cmake --build $(RELEASE_DIR) -j $(JOBS) --target regledgerd regledger
	cd $(RELEASE_DIR) && cpack -G DEB

fmt:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

fmt-check:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run -Werror

clean:
	rm -rf build
