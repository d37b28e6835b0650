/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Forced into every file of the klp-convert harness (-include): the tool's
 * messages go to klp_fuzz_log, /dev/null unless FUZZ_VERBOSE is set, while
 * sanitizer reports keep the real stderr.
 */
#define _GNU_SOURCE	/* as util.c: before the first libc header */
#include <stdio.h>

extern FILE *klp_fuzz_log;
#undef stderr
#define stderr klp_fuzz_log
