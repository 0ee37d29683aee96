# The two commands a new user runs: `make run` and `make test`.
# Everything else (deps, configure, build) happens on the way.
SANITIZE ?= 0
ifeq ($(SANITIZE),1)
  BUILD_DIR ?= build-asan
  BUILD_TYPE ?= Debug
  CMAKE_EXTRA = -DYH_SANITIZE=ON
else
  BUILD_DIR ?= build
  BUILD_TYPE ?= RelWithDebInfo
  CMAKE_EXTRA =
endif
DEMO_DIR ?= var/demo
YUNHE = $(BUILD_DIR)/yunhe

PG_PORT ?= 5433
HTTP_PORT ?= 9000
ILP_PORT ?= 9009

.PHONY: all deps configure build web run serve test unit sqltest crashtest clean demo bench fuzz stress install

all: build

deps:
	@bash scripts/deps.sh

$(BUILD_DIR)/build.ninja: CMakeLists.txt
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_EXTRA) >/dev/null

configure: deps $(BUILD_DIR)/build.ninja

build: configure web
	@cmake --build $(BUILD_DIR)

# The web console (web/ -> web/dist, served by `yunhe serve` at /): npm packages and esbuild.
web:
	@bash scripts/web_build.sh

demo: build
	@$(YUNHE) --make-demo $(DEMO_DIR)

# On a terminal: the demo served (PostgreSQL protocol, HTTP API + web console, line protocol)
# with the shell open on it in the same process. SQL on stdin: run it in the shell and exit.
run: demo
	@if [ -t 0 ]; then \
	  $(YUNHE) serve $(DEMO_DIR) --pg-port $(PG_PORT) --http-port $(HTTP_PORT) --ilp-port $(ILP_PORT) --shell; \
	else \
	  $(YUNHE) $(DEMO_DIR); \
	fi

# The demo database behind the PostgreSQL protocol, the HTTP API and line protocol over TCP.
serve: demo
	@$(YUNHE) serve $(DEMO_DIR) --pg-port $(PG_PORT) --http-port $(HTTP_PORT) --ilp-port $(ILP_PORT)

# The shell, libyunhe.so with its headers and pkg-config file, and the Python package under
# PREFIX (docs/embedding.md): `make install PREFIX=$HOME/.local`.
PREFIX ?= /usr/local
install: build
	@cmake --install $(BUILD_DIR) --prefix $(PREFIX)

unit: build
	@$(BUILD_DIR)/yunhe_unit_tests --gtest_brief=1

sqltest: build
	@$(BUILD_DIR)/sqllogictest tests/sql

# Every fuzz target under libFuzzer + ASan + UBSan for SECONDS each (build-fuzz/, clang).
SECONDS ?= 60
fuzz: deps
	@bash scripts/fuzz.sh $(SECONDS)

# The long crash loop: 100 kill -9 during mixed ingest (make test runs 3).
ROUNDS ?= 100
stress: build
	@/usr/bin/python3 tests/crash/server_crash.py $(YUNHE) $(ROUNDS)
	@bash bench/sqlsmith.sh $(YUNHE) 10000
	@/usr/bin/python3 bench/load.py $(YUNHE)

crashtest: build
	@bash tests/crash/run.sh $(YUNHE)

test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j2

bench: build
	@bash scripts/deps.sh bench/deps.txt
	@bash bench/foundation.sh $(YUNHE)
	@bash bench/spatial.sh $(YUNHE)
	@/usr/bin/python3 bench/server.py $(YUNHE)
	@/usr/bin/python3 bench/transactions.py $(YUNHE)
	@bash bench/lineproto.sh $(YUNHE)
	@bash bench/asof.sh $(YUNHE)
	@bash bench/lastpoint_ingest.sh $(YUNHE)
	@bash bench/nmea.sh $(YUNHE)
	@bash bench/peers.sh $(YUNHE)
	@bash bench/storage.sh $(YUNHE)
	@/usr/bin/python3 bench/checkpoint_stall.py $(YUNHE)
	@/usr/bin/python3 bench/join_order.py $(YUNHE)
	@/usr/bin/python3 bench/tpch/run.py $(YUNHE)
	@/usr/bin/python3 bench/python_fetch.py $(YUNHE) $(BUILD_DIR)/python
	@/usr/bin/python3 bench/dask_scale.py $(YUNHE) $(BUILD_DIR)/python
	@$(BUILD_DIR)/yunhe_micro

clean:
	rm -rf build build-asan
