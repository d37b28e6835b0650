# SPDX-License-Identifier: GPL-2.0
# The verbs of the project.  Each recipe calls one script of testbed/.
#   make demo     boot the patched kernel and run the demo
#   make check    run every test (CONFIGS="fast debug" adds the debug kernel)
#   make tree     fetch the base source and apply patches/ to build/linux
#   make export   write build/linux's base..HEAD back to patches/
#   make series   bisectability and checkpatch of each patch
#   make build    configure and build the kernel (CONFIG_NAME=fast|debug)
#   make bench    benchmarks (series vs pristine kernel, klp-convert): bench/README.md
#   make bench-debian  the map, klp-convert and modpost with Debian's 6.12 module set
#   make fuzz     fuzz kernel/livepatch/elf.c (FUZZ_SECONDS, FUZZ_RUNS, FUZZ_JOBS)
#   make fresh-check  the two commands above in a newly bootstrapped Debian 12 root

SHELL := /bin/bash
CONFIG_NAME ?= fast
export CONFIG_NAME
TB := testbed

.PHONY: all demo check tree export series build vm-shell bench bench-debian deps fresh-check fuzz

all: check

deps:
	@bash $(TB)/deps.sh

demo:
	@bash $(TB)/demo.sh

check:
	@bash $(TB)/check.sh

tree: deps
	@bash $(TB)/fetch.sh && bash $(TB)/materialize.sh

export:
	@bash $(TB)/export.sh

series: tree
	@bash $(TB)/configure.sh && bash $(TB)/series-check.sh

build: tree
	@bash $(TB)/configure.sh && bash $(TB)/build.sh && bash $(TB)/initramfs.sh

bench: build
	@bash $(TB)/bench.sh

bench-debian: build
	@bash bench/debian.sh

fuzz:
	@bash $(TB)/fuzz.sh long

fresh-check:
	@bash $(TB)/fresh.sh
