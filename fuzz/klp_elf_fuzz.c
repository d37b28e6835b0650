// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for kernel/livepatch/elf.c, which is compiled unmodified
 * beside this file (see fuzz/Makefile). The first byte of an input picks
 * the target, the rest is its data:
 *
 *   bit 0 clear: klp_parse_rela_name() on the data as a C string;
 *   bit 0 set:   the data is a module file. It goes through the checks the
 *                6.12 module loader makes before it calls
 *                klp_check_module_relocs(), then through that function and,
 *                if it passes, through what livepatch does with the module
 *                later: klp_parse_rela_tables(), then for every object
 *                and key klp_select_rela_variant(), klp_format_variant_keys()
 *                and klp_resolve_rela_symbols().
 *   bit 1:       vmlinux's build ID is the first build-ID key of a vmlinux
 *                section, else it has none (vmlinux_build_id all zero);
 *   bits 2-7:    if not zero, the nth allocation of elf.c fails.
 *
 * Inputs the loader refuses are dropped (return 0). Whatever the loader does
 * not check stays reachable. Wrong results abort, like memory errors: the
 * selection is compared with the rule of DESIGN.md section 3.
 */
#include <assert.h>
#include "linux/kernel.h"
#include "elf.h"

unsigned int fuzz_fail_alloc;
unsigned char vmlinux_build_id[BUILD_ID_SIZE_MAX];

int fuzz_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	const unsigned char *p;
	va_list ap;
	int n, i;

	va_start(ap, fmt);
	if (strstr(fmt, "%*ph")) {
		if (strcmp(fmt, "%*phN") && strcmp(fmt, "%*ph")) {
			fprintf(stderr, "fuzz_snprintf: cannot format %s\n", fmt);
			abort();
		}
		n = va_arg(ap, int);
		p = va_arg(ap, const unsigned char *);
		n = n < 0 ? 0 : n > 64 ? 64 : n;
		for (i = 0; i < n && size > 2 * (size_t)i; i++)
			snprintf(buf + 2 * i, size - 2 * i, "%02x", p[i]);
		if (!n && size)
			buf[0] = '\0';
		va_end(ap);
		return 2 * n;
	}
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
static int fuzz_verbose = -1;

void fuzz_printk(const char *level, const char *fmt, ...)
{
	char buf[1024];		/* printk's LOG_LINE_MAX is about this */
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (fuzz_verbose < 0)
		fuzz_verbose = !!getenv("FUZZ_VERBOSE");
	if (fuzz_verbose)
		fprintf(stderr, "<%s>%s", level, buf);
}

void *fuzz_kcalloc(size_t n, size_t size)
{
	if (fuzz_fail_alloc && !--fuzz_fail_alloc)
		return NULL;
	if (size && n > SIZE_MAX / size)
		return NULL;
	if (!n || !size)
		return ZERO_SIZE_PTR;
	return calloc(n, size);
}

#define check(cond) \
	do { if (!(cond)) { fprintf(stderr, "wrong result: %s (%s:%d)\n", \
				    #cond, __FILE__, __LINE__); abort(); } } while (0)

/* Target (a): any string. */
static void fuzz_name(const uint8_t *data, size_t size)
{
	char *name = malloc(size + 1);
	struct klp_rela_name rn;
	size_t olen;

	memcpy(name, data, size);
	name[size] = '\0';
	if (!klp_parse_rela_name(name, &rn)) {
		/* The object name is the text after the prefix, up to a dot. */
		olen = strlen(rn.objname);
		check(olen >= 1 && olen <= KLP_OBJNAME_MAX);
		check(!strncmp(name + strlen(".klp.rela."), rn.objname, olen));
		check(!name[10 + olen] || name[10 + olen] == '.');
		/* A key follows it and is followed by a section name. */
		if (rn.key[0]) {
			const char *k = name + 10 + olen + 1;
			size_t klen = strlen(rn.key);

			check(klen >= KLP_KEY_MIN_LEN && !strncmp(k, rn.key, klen));
			check(k[klen] == '.' && k[klen + 1] && strcmp(k + klen + 1, "."));
		}
	}
	free(name);
}

/* The state of load_info that the loader has before it calls elf.c. */
struct image {
	unsigned char *hdr;
	size_t len;
	Elf_Ehdr *ehdr;
	Elf_Shdr *sechdrs;
	unsigned int shnum;
	const char *secstrings;
	const char *strtab;
	unsigned int sym, str, info, mod, vers;
};

/*
 * Is the name of section @i @name? The loader compares names of SHT_NULL
 * sections too in find_any_unique_sec() and find_sec() (main.c), without a
 * bound (a 6.12 loader hazard, outside elf.c). The model reads inside the
 * image only; a name that runs out of it matches nothing.
 */
static bool sec_name_is(const struct image *im, unsigned int i,
			const char *name)
{
	size_t off = (const unsigned char *)im->secstrings - im->hdr;
	size_t n = strlen(name) + 1;

	off += im->sechdrs[i].sh_name;
	if (off < im->sechdrs[i].sh_name || off > im->len || im->len - off < n)
		return false;
	return !memcmp(im->hdr + off, name, n);
}

/* find_any_unique_sec(): index, 0 if none, -1 if several. */
static int find_unique(const struct image *im, const char *name)
{
	unsigned int i, idx = 0, count = 0;

	for (i = 1; i < im->shnum; i++)
		if (sec_name_is(im, i, name)) {
			count++;
			idx = i;
		}
	return count > 1 ? -1 : (int)idx;
}

/* find_sec(): the first SHF_ALLOC section called @name. */
static unsigned int find_alloc(const struct image *im, const char *name)
{
	unsigned int i;

	for (i = 1; i < im->shnum; i++)
		if ((im->sechdrs[i].sh_flags & SHF_ALLOC) &&
		    sec_name_is(im, i, name))
			return i;
	return 0;
}

static bool in_file(const struct image *im, const Elf_Shdr *s)
{
	return s->sh_offset + s->sh_size >= s->sh_offset &&
	       s->sh_offset + s->sh_size <= im->len;
}

/*
 * get_next_modinfo() (main.c): is there a "livepatch=" tag? The loader
 * reads at sh_offset even when there is no .modinfo (section 0) or it is
 * SHT_NOBITS; the model reads inside the file only.
 */
static bool is_livepatch(const struct image *im)
{
	const Elf_Shdr *s = &im->sechdrs[im->info];
	const char *p, *end;
	static const char tag[] = "livepatch=";

	if (!im->info || !in_file(im, s))
		return false;
	p = (const char *)im->hdr + s->sh_offset;
	end = p + s->sh_size;
	while (p < end) {
		if ((size_t)(end - p) >= sizeof(tag) - 1 &&
		    !memcmp(p, tag, sizeof(tag) - 1))
			return true;
		while (p < end && *p)		/* module_next_tag_pair() */
			p++;
		while (p < end && !*p)
			p++;
	}
	return false;
}

#ifdef FUZZ_TRUST_SYMBOL_NAMES
static bool symbol_names_in_strtab(const struct image *im)
{
	const Elf_Shdr *symsec = &im->sechdrs[im->sym];
	const Elf_Shdr *strsec = &im->sechdrs[im->str];
	const Elf_Sym *syms = (const Elf_Sym *)(im->hdr + symsec->sh_offset);
	unsigned int i;

	if (!strsec->sh_size || im->strtab[strsec->sh_size - 1])
		return false;
	for (i = 0; i < symsec->sh_size / sizeof(Elf_Sym); i++)
		if (syms[i].st_name >= strsec->sh_size)
			return false;
	return true;
}
#endif

/*
 * What load_module() checks and sets up before early_mod_check() calls
 * check_modinfo() -> check_modinfo_livepatch() -> klp_check_module_relocs()
 * in 6.12 (kernel/module/main.c). Returns false where the loader refuses.
 * Skipped, because elf.c does not depend on them and skipping only admits
 * more inputs: module signature, blacklisted(), check_modstruct_version()
 * (nothing without CONFIG_MODVERSIONS) and the vermagic check of
 * check_modinfo().
 */
static bool loader_accepts(struct image *im)
{
	Elf_Ehdr *e = im->ehdr;
	Elf_Shdr *s;
	unsigned int i, nsym = 0;
	int idx;

	/* elf_validity_ehdr(): size, magic, ET_REL, elf_check_arch() (x86). */
	if (im->len < sizeof(*e) || memcmp(e->e_ident, ELFMAG, SELFMAG) ||
	    e->e_type != ET_REL || e->e_machine != EM_X86_64)
		return false;

	/* elf_validity_cache_sechdrs(): the header table inside the file... */
	if (e->e_shentsize != sizeof(Elf_Shdr) || e->e_shoff >= im->len ||
	    e->e_shnum * sizeof(Elf_Shdr) > im->len - e->e_shoff)
		return false;
	im->sechdrs = (Elf_Shdr *)(im->hdr + e->e_shoff);
	im->shnum = e->e_shnum;
	/* ... section 0 empty ... */
	if (!im->shnum || im->sechdrs[0].sh_type != SHT_NULL ||
	    im->sechdrs[0].sh_size || im->sechdrs[0].sh_addr)
		return false;
	/* ... and validate_section_offset() but for SHT_NULL, SHT_NOBITS. */
	for (i = 1; i < im->shnum; i++) {
		s = &im->sechdrs[i];
		if (s->sh_type != SHT_NULL && s->sh_type != SHT_NOBITS &&
		    !in_file(im, s))
			return false;
	}

	/*
	 * elf_validity_cache_secstrings(): e_shstrndx in range, SHT_STRTAB,
	 * not empty, NUL-terminated, sh_name inside it unless SHT_NULL.
	 */
	if (!e->e_shstrndx || e->e_shstrndx >= im->shnum)
		return false;
	s = &im->sechdrs[e->e_shstrndx];
	if (s->sh_type != SHT_STRTAB || !s->sh_size)
		return false;
	im->secstrings = (const char *)im->hdr + s->sh_offset;
	if (im->secstrings[s->sh_size - 1])
		return false;
	for (i = 0; i < im->shnum; i++)
		if (im->sechdrs[i].sh_type != SHT_NULL &&
		    im->sechdrs[i].sh_name >= s->sh_size)
			return false;

	/* elf_validity_cache_index_info(): at most one .modinfo. */
	idx = find_unique(im, ".modinfo");
	if (idx < 0)
		return false;
	im->info = idx;

	/*
	 * elf_validity_cache_index_mod(): one .gnu.linkonce.this_module,
	 * with contents, SHF_ALLOC. Its size must be sizeof(struct module),
	 * which elf.c does not depend on and which changes with the kernel:
	 * not checked, so that seeds and regressions stay valid.
	 */
	idx = find_unique(im, ".gnu.linkonce.this_module");
	if (idx <= 0)
		return false;
	s = &im->sechdrs[idx];
	if (s->sh_type == SHT_NOBITS || !(s->sh_flags & SHF_ALLOC))
		return false;
	im->mod = idx;

	/* elf_validity_cache_index_sym(): exactly one SHT_SYMTAB. */
	for (i = 1; i < im->shnum; i++)
		if (im->sechdrs[i].sh_type == SHT_SYMTAB) {
			nsym++;
			im->sym = i;
		}
	if (nsym != 1)
		return false;

	/*
	 * elf_validity_cache_index_str(): its sh_link is an SHT_STRTAB.
	 * Nothing checks that the strtab is terminated or that st_name is
	 * inside it.
	 */
	im->str = im->sechdrs[im->sym].sh_link;
	if (!im->str || im->str >= im->shnum ||
	    im->sechdrs[im->str].sh_type != SHT_STRTAB)
		return false;
	im->strtab = (const char *)im->hdr + im->sechdrs[im->str].sh_offset;
#ifdef FUZZ_TRUST_SYMBOL_NAMES
	/*
	 * Not in 6.12: a terminated strtab (6.13's elf_validity_cache_strtab())
	 * and every st_name inside it (no kernel checks that). Only for
	 * fuzzing past elf.c's unbounded reads of symbol names.
	 */
	if (!symbol_names_in_strtab(im))
		return false;
#endif

	/* elf_validity_cache_copy(): __versions (index 0 if absent). */
	im->vers = find_alloc(im, "__versions");

	/*
	 * early_mod_check() -> rewrite_section_headers(): sh_addr of every
	 * section is its place in the image, offset unchecked for SHT_NULL
	 * and SHT_NOBITS; .modinfo and __versions lose SHF_ALLOC.
	 */
	im->sechdrs[0].sh_addr = 0;
	for (i = 1; i < im->shnum; i++)
		im->sechdrs[i].sh_addr = (uintptr_t)im->hdr +
					 im->sechdrs[i].sh_offset;
	im->sechdrs[im->vers].sh_flags &= ~(u64)SHF_ALLOC;
	im->sechdrs[im->info].sh_flags &= ~(u64)SHF_ALLOC;
	return true;
}

/* klp_find_object_symbol()'s contract; sympos > 1000 fails the lookup. */
static int fake_lookup(const char *objname, const char *name,
		       unsigned long sympos, unsigned long *addr)
{
	check(!objname || (strlen(objname) && strlen(objname) <= KLP_OBJNAME_MAX));
	check(strlen(name) < KSYM_NAME_LEN);
	if (sympos > 1000)
		return -EINVAL;
	*addr = 0xffffffffa0000000UL + strlen(name) + sympos;
	return 0;
}

/* The build's keys: @key is a srcversion or a build ID, or NULL. */
static struct klp_object_keys keys_of(const char *key)
{
	bool bid = key && strlen(key) == KLP_BUILD_ID_LEN;
	struct klp_object_keys keys = {
		.build_id = bid ? key : NULL,
		.srcversion = bid ? NULL : key,
	};

	return keys;
}

/*
 * The key list fits in @size (at least 4): the keys in order, and "..."
 * at the end if and only if some are left out.
 */
static void check_key_list(const struct klp_rela_table *t, const char *buf)
{
	const char *p = buf;
	unsigned int k;
	size_t n;

	for (k = 0; k < t->nr_keys && *p; k++) {
		if (!strcmp(p, "..."))
			return;
		n = strlen(t->keys[k]);
		check(!strncmp(p, t->keys[k], n) && (!p[n] || p[n] == ' '));
		p += n + (p[n] == ' ');
	}
	check(k == t->nr_keys && !*p);
}

#define MAX_OBJS	8
#define MAX_KEYS	4

/* The sections written for t->match, in section header order */
static unsigned int selected(const struct klp_rela_table *t,
			     unsigned int *secs)
{
	unsigned int i, n = 0;

	for (i = 0; i < t->nr_secs; i++)
		if (klp_rela_sec_selected(t, i))
			secs[n++] = t->secs[i].secndx;
	return n;
}

/*
 * The table of @obj and its selection for build @key against DESIGN.md
 * section 3: the declared keys are the distinct keys of @obj's sections in
 * order; the sections are the non-empty unversioned ones and those keyed
 * @key, in order, and only if @key is declared or no key is.
 */
static void check_selection(const struct klp_elf *elf, const char *obj,
			    const char *key, const struct klp_rela_table *t,
			    const unsigned int *secs, unsigned int nr_secs)
{
	unsigned int i, k, nkeys = 0, nsecs = 0;
	struct klp_rela_name rn;
	bool declared = false;

	check(t->vmlinux == !strcmp(obj, "vmlinux"));
	for (i = 1; i < elf->shnum; i++) {
		const Elf_Shdr *s = &elf->sechdrs[i];

		if (!(s->sh_flags & SHF_RELA_LIVEPATCH))
			continue;
		check(!klp_parse_rela_name(elf->shstrtab + s->sh_name, &rn));
		if (strcmp(rn.objname, obj))
			continue;
		if (rn.key[0]) {
			for (k = 0; k < nkeys; k++)
				if (!strcmp(t->keys[k], rn.key))
					break;
			if (k == nkeys) {
				check(k < t->nr_keys && !strcmp(t->keys[k], rn.key));
				nkeys++;
			}
			if (key && !strcmp(key, rn.key))
				declared = true;
			if (!key || strcmp(key, rn.key))
				continue;
		}
		if (s->sh_size) {
			check(nsecs < nr_secs && secs[nsecs] == i);
			nsecs++;
		}
	}
	check(nkeys == t->nr_keys);
	check(nsecs == nr_secs);
	check(klp_rela_table_refused(t) == (nkeys && !declared));
	if (declared)
		check(!strcmp(klp_rela_table_key(t), key));
	else
		check(!klp_rela_table_key(t));
}

/* The module after layout_and_allocate() and post_relocation(). */
struct layout {
	Elf_Shdr *sechdrs;	/* copy_module_elf(): mod->klp_info */
	char *secstrings;
	Elf_Sym *symtab;	/* add_kallsyms(): core_kallsyms */
	char *strtab;
	void **mem;		/* per section, what move_module() allocated */
};

#define MAX_SECTION_SIZE	(16u << 20)	/* larger: -ENOMEM, say */

static void free_layout(struct layout *l, unsigned int shnum)
{
	unsigned int i;

	for (i = 0; l->mem && i < shnum; i++)
		free(l->mem[i]);
	free(l->mem);
	free(l->sechdrs);
	free(l->secstrings);
	free(l->symtab);
	free(l->strtab);
}

/*
 * Where relocations may be written, as the loader leaves it: SHF_ALLOC
 * sections get memory of exactly their size (move_module(); SHT_NOBITS
 * zeroed); init sections, and exit sections without CONFIG_MODULE_UNLOAD,
 * are freed after the module's init (do_free_init(), module_memory_free());
 * the per-cpu section keeps pointing into the load image, which is freed
 * like the data of every section without SHF_ALLOC (free_copy()). So a
 * write the checks should have refused is a heap overflow or a use after
 * free, not a silent success.
 *
 * Symbols: layout_symtab() strlen()s every name of a livepatch: a name
 * that runs out of the image makes the loader read past it first, so the
 * module is dropped. add_kallsyms() then copies all symbols and their
 * names to core_kallsyms, which livepatch uses from then on.
 *
 * Return: false when the module is dropped.
 */
static bool lay_out(const struct image *im, unsigned int pcpu,
		    struct layout *l)
{
	const Elf_Shdr *symsec = &im->sechdrs[im->sym];
	const Elf_Sym *src = (const Elf_Sym *)symsec->sh_addr;
	size_t nsyms = symsec->sh_size / sizeof(Elf_Sym), total = 0, off;
	size_t strstart = (const unsigned char *)im->strtab - im->hdr;
	const char *name;
	unsigned int i;

	memset(l, 0, sizeof(*l));
	for (i = 0; i < nsyms; i++) {
		off = strstart + src[i].st_name;
		if (off < strstart || off >= im->len ||
		    !memchr(im->hdr + off, '\0', im->len - off))
			return false;
		total += strlen((const char *)im->hdr + off) + 1;
	}
	l->symtab = malloc(nsyms * sizeof(Elf_Sym) + 1);
	l->strtab = malloc(total + 1);
	for (i = 0, off = 0; i < nsyms; i++) {
		name = im->strtab + src[i].st_name;
		l->symtab[i] = src[i];
		l->symtab[i].st_name = off;
		strcpy(l->strtab + off, name);
		off += strlen(name) + 1;
	}

	l->sechdrs = malloc(im->shnum * sizeof(Elf_Shdr));
	memcpy(l->sechdrs, im->sechdrs, im->shnum * sizeof(Elf_Shdr));
	l->secstrings = malloc(im->sechdrs[im->ehdr->e_shstrndx].sh_size);
	memcpy(l->secstrings, im->secstrings,
	       im->sechdrs[im->ehdr->e_shstrndx].sh_size);
	l->mem = calloc(im->shnum, sizeof(void *));

	for (i = 1; i < im->shnum; i++) {
		Elf_Shdr *s = &l->sechdrs[i];
		const char *sname = im->secstrings + s->sh_name;
		bool gone;

		if (i == im->sym) {
			s->sh_addr = (uintptr_t)l->symtab;
			continue;
		}
		if (!(s->sh_flags & SHF_ALLOC) || i == pcpu)
			continue;	/* stays in the image */
		if (s->sh_size > MAX_SECTION_SIZE)
			return false;
		l->mem[i] = malloc(s->sh_size);
		if (s->sh_type == SHT_NULL || s->sh_type == SHT_NOBITS)
			memset(l->mem[i], 0, s->sh_size);
		else
			memcpy(l->mem[i], im->hdr + s->sh_offset, s->sh_size);
		s->sh_addr = (uintptr_t)l->mem[i];

		/* SHT_NULL: sh_name unchecked, and such a section is no target. */
		gone = s->sh_type != SHT_NULL &&
		       (module_init_section(sname) ||
			(!IS_ENABLED(CONFIG_MODULE_UNLOAD) &&
			 module_exit_section(sname)));
		if (gone) {
			free(l->mem[i]);
			l->mem[i] = NULL;
		}
	}
	return true;
}

/*
 * x86's apply_relocate_add() as far as memory goes: read the symbol,
 * write 4 or 8 bytes at r_offset of the target; an unknown type ends the
 * section (-ENOEXEC there).
 */
static void apply(const struct klp_elf *elf, const unsigned int *secs,
		  unsigned int nr_secs)
{
	unsigned int s, i;

	for (s = 0; s < nr_secs; s++) {
		const Elf_Shdr *sec = &elf->sechdrs[secs[s]];
		const Elf_Rela *rel = (const Elf_Rela *)sec->sh_addr;
		unsigned char *base;

		base = (unsigned char *)elf->sechdrs[sec->sh_info].sh_addr;
		for (i = 0; i < sec->sh_size / sizeof(*rel); i++) {
			const Elf_Sym *sym = (const Elf_Sym *)
				elf->sechdrs[elf->symndx].sh_addr +
				ELF_R_SYM(rel[i].r_info);
			u64 val = sym->st_value + rel[i].r_addend;
			unsigned int width;

			switch (ELF_R_TYPE(rel[i].r_info)) {
			case R_X86_64_NONE:
				width = 0;
				break;
			case R_X86_64_64:
			case R_X86_64_PC64:
				width = 8;
				break;
			case R_X86_64_32:
			case R_X86_64_32S:
			case R_X86_64_PC32:
			case R_X86_64_PLT32:
				width = 4;
				break;
			default:
				goto next;
			}
			memcpy(base + rel[i].r_offset, &val, width);
		}
next:
		;
	}
}

/* Each object's table; those past MAX_OBJS share the last one, unchecked. */
struct tables {
	char objs[MAX_OBJS][KLP_OBJNAME_MAX + 1];
	struct klp_rela_table *t[MAX_OBJS + 1];
	unsigned int nr;
	int failed;			/* an allocation of a table failed */
};

static struct klp_rela_table *table_of(const char *objname, void *data)
{
	struct tables *ts = data;
	unsigned int o;

	for (o = 0; o < ts->nr; o++)
		if (!strcmp(ts->objs[o], objname))
			return ts->t[o];
	if (ts->nr < MAX_OBJS) {
		strcpy(ts->objs[o], objname);
		ts->nr++;
	}
	if (!ts->t[o])
		ts->t[o] = klp_alloc_rela_table(!strcmp(objname, "vmlinux"));
	if (!ts->t[o]) {
		ts->failed = 1;
		return ERR_PTR(-ENOMEM);
	}
	return ts->t[o];
}

/* Target (c): what livepatch does with a module that passed the check. */
static void use_module(const struct image *im, const struct layout *l,
		       const uint8_t *data, size_t size)
{
	struct klp_elf elf = {
		.sechdrs = l->sechdrs,
		.shnum = im->shnum,
		.shstrtab = l->secstrings,
		.strtab = l->strtab,
		.symndx = im->sym,
	};
	struct tables ts = {};
	unsigned int *secs;
	unsigned int o, k, n;
	int ret;

	/* The checked names parse: only an allocation can fail. */
	ret = klp_parse_rela_tables(&elf, "fuzz", table_of, &ts);
	check(!ret || ret == -ENOMEM);
	secs = calloc(im->shnum, sizeof(*secs));
	for (o = 0; !ret && o < ts.nr; o++) {
		struct klp_rela_table *t = ts.t[o];
		char keys[MAX_KEYS][KLP_KEY_MAX_LEN + 1];
		unsigned int nkeys = 0;

		for (k = 0; k < t->nr_keys && nkeys < MAX_KEYS; k++)
			strcpy(keys[nkeys++], t->keys[k]);

		/* The build without a key first, then each declared one. */
		for (k = 0; k <= nkeys; k++) {
			const char *key = k ? keys[k - 1] : NULL;
			struct klp_object_keys ok = keys_of(key);
			struct klp_reloc_stats stats = {};
			char buf[320];
			size_t bufsz;

			t->match = klp_select_rela_variant(t, &ok);
			n = selected(t, secs);
			check_selection(&elf, ts.objs[o], key, t, secs, n);

			/* klp_report_no_variant(): any buffer size. */
			bufsz = size ? data[size - 1] % (sizeof(buf) + 1) : 0;
			ret = klp_format_variant_keys(t, buf, bufsz);
			check(ret >= 0 && (!bufsz || (size_t)ret == strlen(buf)));
			if (bufsz >= 4)
				check_key_list(t, buf);

			if (klp_rela_table_refused(t)) {
				klp_report_no_variant("fuzz", ts.objs[o], &ok, t);
			} else {
				ret = klp_resolve_rela_symbols(&elf, t, fake_lookup,
							       &stats);
				check(stats.nr_lookups <= stats.nr_relocs);
				if (!ret)
					apply(&elf, secs, n);
			}
			ret = 0;
		}
	}
	free(secs);
	for (o = 0; o <= MAX_OBJS; o++)
		klp_free_rela_table(ts.t[o]);
}

/* vmlinux_build_id: all zero, or the first key of a vmlinux section. */
static void set_vmlinux_build_id(const struct image *im, bool from_sections)
{
	static const char prefix[] = ".klp.rela.vmlinux.";
	unsigned int i, b, x;

	memset(vmlinux_build_id, 0, sizeof(vmlinux_build_id));
	for (i = 1; from_sections && i < im->shnum; i++) {
		const char *name = im->secstrings + im->sechdrs[i].sh_name;
		const char *key = name + sizeof(prefix) - 1;

		if (im->sechdrs[i].sh_type == SHT_NULL ||
		    strncmp(name, prefix, sizeof(prefix) - 1) ||
		    strspn(key, "0123456789abcdef") < 2 * BUILD_ID_SIZE_MAX)
			continue;
		for (b = 0; b < BUILD_ID_SIZE_MAX; b++) {
			sscanf(key + 2 * b, "%2x", &x);
			vmlinux_build_id[b] = x;
		}
		return;
	}
}

/* Targets (b) and (c). */
static void fuzz_module(const uint8_t *data, size_t size, bool vmlinux_bid)
{
	struct image im = { .len = size };
	struct layout l = {};

	/* The loader's copy: exactly the file, writable, aligned. */
	im.hdr = malloc(size ? size : 1);
	memcpy(im.hdr, data, size);
	im.ehdr = (Elf_Ehdr *)im.hdr;

	if (!loader_accepts(&im)) {
		fuzz_printk("", "fuzz: refused by the loader's checks\n");
	} else if (!is_livepatch(&im)) {
		/* check_modinfo_livepatch(): only livepatches reach elf.c. */
		fuzz_printk("", "fuzz: not a livepatch\n");
	} else if (set_vmlinux_build_id(&im, vmlinux_bid),
		   klp_check_module_relocs(im.sechdrs, im.shnum,
					   im.secstrings, im.strtab, im.sym
#ifdef FUZZ_CHECK_MODNAME
					   , "fuzz"
#endif
					   )) {
		fuzz_printk("", "fuzz: refused by klp_check_module_relocs()\n");
	} else if (!lay_out(&im, find_alloc(&im, ".data..percpu"), &l)) {
		fuzz_printk("", "fuzz: the loader fails after the check\n");
	} else {
		fuzz_printk("", "fuzz: accepted\n");
		/* free_copy(): the image goes once the module is loaded. */
		free(im.hdr);
		im.hdr = NULL;
		use_module(&im, &l, data, size);
	}
	free_layout(&l, im.shnum);
	free(im.hdr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	fuzz_fail_alloc = data[0] >> 2;
	if (data[0] & 1)
		fuzz_module(data + 1, size - 1, data[0] & 2);
	else
		fuzz_name(data + 1, size - 1);
	fuzz_fail_alloc = 0;
	return 0;
}
