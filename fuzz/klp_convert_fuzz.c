// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for klp-convert's ELF reading and conversion
 * (scripts/livepatch of the series: every file but klp-convert.c, the
 * command line, compiled unmodified and linked with this one, which calls
 * the passes klp-convert.h declares).  The first byte of an input picks what
 * the rest, an ELF file, goes through:
 *
 *   0 mod 3: read as a named build: section headers and symbols, .modinfo,
 *            the GNU build ID (open_build() without the symbol view, whose
 *            name pool is never freed);
 *   1 mod 3: read as a livepatch: symbols, relocations, name hashes;
 *   2 mod 3: converted as a livepatch, bound to the builds named by
 *            KLP_FUZZ_BUILDS (colon separated, read once), against
 *            KLP_FUZZ_SYMVERS and KLP_FUZZ_MAP, as convert() does; the
 *            output goes to a private temporary directory and is removed.
 *
 * Inputs that start with a compressor's magic are dropped: klp-elf.c
 * decompresses by running xz/zstd/gzip, a fork per input.  Errors are
 * expected (exit status and messages are not checked); crashes, sanitizer
 * reports and a left temporary output file abort.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <sanitizer/lsan_interface.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xalloc.h>

#include "klp-convert.h"

/* the tool's messages: see include/klp-fuzz-log.h */
FILE *klp_fuzz_log;

static struct convert base;	/* builds, symvers, map: read once */
static char out_dir[] = "/tmp/klp-convert-fuzz-XXXXXX";
static char out_path[sizeof(out_dir) + 16];
static int in_fd = -1;
static char in_path[64];

static char **split_paths(char *s, unsigned int *n)
{
	char **v = xcalloc(strlen(s) / 2 + 2, sizeof(char *));
	char *p;

	*n = 0;
	for (p = strtok(s, ":"); p; p = strtok(NULL, ":"))
		v[(*n)++] = p;
	return v;
}

static void remove_out_dir(void)
{
	rmdir(out_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *builds = getenv("KLP_FUZZ_BUILDS");
	const char *symvers = getenv("KLP_FUZZ_SYMVERS");
	const char *map = getenv("KLP_FUZZ_MAP");
	unsigned int n = 0;
	char **paths = NULL;

	klp_fuzz_log = getenv("FUZZ_VERBOSE") ? fdopen(dup(2), "w") :
					       fopen("/dev/null", "w");
	if (!klp_fuzz_log) {
		perror("klp-convert-fuzz: log");
		exit(1);
	}
	if (!mkdtemp(out_dir)) {
		perror("mkdtemp");
		exit(1);
	}
	atexit(remove_out_dir);
	snprintf(out_path, sizeof(out_path), "%s/out.ko", out_dir);
	in_fd = memfd_create("klp-convert-fuzz", 0);
	if (in_fd < 0) {
		perror("memfd_create");
		exit(1);
	}
	snprintf(in_path, sizeof(in_path), "/proc/self/fd/%d", in_fd);
	/* read once, kept until exit: not leaks of the code under test */
	__lsan_disable();
	if (builds)
		paths = split_paths(strdup(builds), &n);
	if ((symvers && read_symvers(symvers, &base.symvers)) ||
	    (map && read_symmap(map, &base.map, NULL)) ||
	    open_builds(&base, paths, n)) {
		fprintf(stderr, "klp-convert-fuzz: cannot read KLP_FUZZ_SYMVERS, KLP_FUZZ_MAP or KLP_FUZZ_BUILDS\n");
		exit(1);
	}
	__lsan_enable();
	return 0;
}

/* what one conversion allocates beyond the ELF file */
static void free_conversion(struct convert *c, unsigned int nr_symbols)
{
	unsigned int i;

	for (i = 0; c->conv && i < nr_symbols; i++) {
		if (!c->conv[i])
			continue;
		free(c->conv[i]->name);
		free(c->conv[i]->pos);
		free(c->conv[i]->klp_sym);
		free(c->conv[i]);
	}
	for (i = 0; c->annotations && i < nr_symbols; i++)
		free(c->annotations[i]);
	free(c->conv);
	free(c->annotations);
	free(c->objs);
	free(c->lp_name);
}

/* convert() with the builds, symvers and map read once: convert_livepatch() */
static void convert_once(void)
{
	struct convert c = base;
	unsigned int nr_symbols;
	struct dirent *de;
	DIR *d;

	c.lp_name = xstrdup("fuzz");
	c.lp = elf_open_read(in_path, ELF_READ_SYMBOLS | ELF_READ_RELOCS |
			     ELF_HASH_SYMBOLS);
	if (!c.lp)
		goto out;
	nr_symbols = c.lp->nr_symbols;	/* before symbols are added */
	if (c.lp->ehdr.e_type != ET_REL)
		goto out;
	if (convert_livepatch(&c))
		goto out;
	if (!elf_write(c.lp, out_path))
		unlink(out_path);
out:
	free_conversion(&c, c.lp ? nr_symbols : 0);
	elf_close(c.lp);
	d = opendir(out_dir);
	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.') {
			fprintf(stderr, "klp-convert-fuzz: left behind: %s/%s\n",
				out_dir, de->d_name);
			abort();
		}
	if (d)
		closedir(d);
}

static void read_once(unsigned int what)
{
	struct elf *elf = elf_open_read(in_path, what);
	unsigned char id[BUILD_ID_SIZE];

	if (!elf)
		return;
	modinfo_get(elf, "srcversion");
	modinfo_get(elf, "name");
	elf_build_id(elf, id, sizeof(id));
	if (what & ELF_HASH_SYMBOLS)
		find_symbol_by_name(elf, "__this_module");
	elf_close(elf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int mode;

	if (size < 7 || !memcmp(data + 1, "\xfd\x37\x7a\x58\x5a", 5) ||
	    !memcmp(data + 1, "\x28\xb5\x2f\xfd", 4) ||
	    !memcmp(data + 1, "\x1f\x8b", 2))
		return -1;
	mode = data[0] % 3;
	if (ftruncate(in_fd, 0) ||
	    pwrite(in_fd, data + 1, size - 1, 0) != (ssize_t)(size - 1))
		abort();
	nr_errors = 0;
	if (mode == 0)
		read_once(ELF_READ_SYMBOLS);
	else if (mode == 1)
		read_once(ELF_READ_SYMBOLS | ELF_READ_RELOCS | ELF_HASH_SYMBOLS);
	else
		convert_once();
	fflush(klp_fuzz_log);
	return 0;
}
