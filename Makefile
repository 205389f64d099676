# The front door: everything goes through meson + ninja.
#   make           build (build/)
#   make run       install what is missing, build, create the demo database, serve
#   make check     install, build with ASan + UBSan and -Werror, run every test
#   make bench     benchmarks (bench/)
#   make lighthouse  Lighthouse scores of the home and article pages (bench/lighthouse.sh)
#   make fuzz      build the libFuzzer targets and run each for a short time
#   make style     check the formatting with clang-format

BUILD ?= build
CHECK_BUILD ?= build-check
FUZZ_BUILD ?= build-fuzz
DB ?= motcua.db
LISTEN ?= 127.0.0.1:8080
FUZZ_SECONDS ?= 20

.PHONY: all deps run check bench lighthouse fuzz style clean

all: deps
	@test -f $(BUILD)/build.ninja || meson setup $(BUILD) --buildtype=release -Db_ndebug=false -Dtests=false >/dev/null
	@ninja -C $(BUILD)

deps:
	@scripts/deps.sh

run: all
	@$(BUILD)/motcua demo --db $(DB)
	@echo "motcua: http://$(LISTEN)/  (staff log in at http://$(LISTEN)/dang-nhap; Ctrl-C stops it)"
	@$(BUILD)/motcua serve --db $(DB) --listen $(LISTEN)

check:
	@scripts/deps.sh
	@test -f $(CHECK_BUILD)/build.ninja || meson setup $(CHECK_BUILD) --buildtype=debug \
		-Db_sanitize=address,undefined -Db_lundef=false -Dwerror=true >/dev/null
	@ninja -C $(CHECK_BUILD)
	@tests/run.sh $(CHECK_BUILD)

bench:
	@scripts/deps.sh bench
	@bench/run.sh

lighthouse: all
	@bench/lighthouse.sh $(BUILD)

fuzz:
	@scripts/deps.sh fuzz
	@test -f $(FUZZ_BUILD)/build.ninja || CC=clang meson setup $(FUZZ_BUILD) --buildtype=debug \
		-Dfuzz=true -Dtests=false -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
	@ninja -C $(FUZZ_BUILD)
	@fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

style:
	@scripts/deps.sh style
	@clang-format --dry-run -Werror $$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'tests/*.h' 'fuzz/*.c')

clean:
	rm -rf $(BUILD) $(CHECK_BUILD) $(FUZZ_BUILD)
