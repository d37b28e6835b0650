/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What kernel/livepatch/elf.c needs from the kernel, for userspace: every
 * <linux/...> header elf.c includes is a one-line file including this one.
 * Semantics follow the kernel where elf.c could tell the difference
 * (ctype on bytes >= 0x80, kcalloc(0) returning ZERO_SIZE_PTR, strscpy()
 * with two arguments, printk formatting every argument); allocations can
 * be made to fail on purpose to reach the -ENOMEM paths.
 */
#ifndef FUZZ_KSHIM_H
#define FUZZ_KSHIM_H

#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;

/* Configuration: x86_64, as the kernel the series is tested with. */
#define CONFIG_64BIT		1
#define CONFIG_X86_64		1
#define CONFIG_LIVEPATCH	1
#define CONFIG_MODULES		1
#ifndef FUZZ_NO_MODULE_UNLOAD
#define CONFIG_MODULE_UNLOAD	1
#endif

/* IS_ENABLED(): 1 when the option is defined to 1, else 0. */
#define __fz_one_1		0,
#define __fz_second(a, b, ...)	b
#define __fz_defined3(junk)	__fz_second(junk 1, 0, 0)
#define __fz_defined2(val)	__fz_defined3(__fz_one_##val)
#define __fz_defined(x)		__fz_defined2(x)
#define IS_ENABLED(option)	__fz_defined(option)
#define IS_BUILTIN(option)	__fz_defined(option)

#define BUILD_BUG_ON(cond)	_Static_assert(!(cond), "BUILD_BUG_ON(" #cond ")")
#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#define __must_check		__attribute__((warn_unused_result))
#define __printf(a, b)		__attribute__((format(printf, a, b)))
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define min(a, b)		((a) < (b) ? (a) : (b))
#define max(a, b)		((a) > (b) ? (a) : (b))

/* Exports and KUnit visibility: nothing to do outside the kernel. */
#define EXPORT_SYMBOL(sym)
#define EXPORT_SYMBOL_GPL(sym)
#define EXPORT_SYMBOL_IF_KUNIT(sym)
#define VISIBLE_IF_KUNIT

/* ELF: include/asm-generic/module.h and include/uapi/linux/elf.h. */
#define Elf_Ehdr		Elf64_Ehdr
#define Elf_Shdr		Elf64_Shdr
#define Elf_Sym			Elf64_Sym
#define Elf_Rela		Elf64_Rela
#define Elf_Addr		Elf64_Addr
#define ELF_R_SYM(i)		ELF64_R_SYM(i)
#define ELF_R_TYPE(i)		ELF64_R_TYPE(i)
#define ELF_ST_BIND(i)		ELF64_ST_BIND(i)
#define ELF_ST_TYPE(i)		ELF64_ST_TYPE(i)
#define SHF_RELA_LIVEPATCH	0x00100000
#define SHN_LIVEPATCH		0xff20

#define KSYM_NAME_LEN		512
#define MODULE_NAME_LEN		(64 - sizeof(unsigned long))

/* printk: always formatted (so %s reads what the kernel would read). */
#define KERN_ERR		"3"
#define KERN_WARNING		"4"
#define KERN_NOTICE		"5"
#define KERN_INFO		"6"
#define KERN_DEBUG		"7"
#ifndef pr_fmt
#define pr_fmt(fmt)		fmt
#endif
__printf(2, 3) void fuzz_printk(const char *level, const char *fmt, ...);
#define pr_err(fmt, ...)	fuzz_printk(KERN_ERR, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...)	fuzz_printk(KERN_WARNING, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_notice(fmt, ...)	fuzz_printk(KERN_NOTICE, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...)	fuzz_printk(KERN_INFO, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_debug(fmt, ...)	fuzz_printk(KERN_DEBUG, pr_fmt(fmt), ##__VA_ARGS__)

/* scnprintf(): the number of characters written, never more than size - 1. */
static inline __printf(3, 4) int scnprintf(char *buf, size_t size,
					   const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!size)
		return 0;
	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0)
		return 0;
	return (size_t)n >= size ? (int)size - 1 : n;
}
/* sscanf(): glibc's; elf.c uses %N[^c] and %lu only (see README). */

/*
 * snprintf(): glibc's, and the kernel's %*ph[N] (hex dump of up to 64
 * bytes) when that is the whole format, which is how elf.c uses it.
 */
int fuzz_snprintf(char *buf, size_t size, const char *fmt, ...);
#define snprintf fuzz_snprintf

static inline void *memchr_inv(const void *p, int c, size_t n)
{
	const unsigned char *s = p;

	for (; n; n--, s++)
		if (*s != (unsigned char)c)
			return (void *)s;
	return NULL;
}

/* include/linux/buildid.h */
#define BUILD_ID_SIZE_MAX	20
extern unsigned char vmlinux_build_id[BUILD_ID_SIZE_MAX];

/* Allocation: kmalloc(0) is ZERO_SIZE_PTR; fuzz_fail_alloc fails the nth. */
typedef unsigned int gfp_t;
#define GFP_KERNEL		0u
#define ZERO_SIZE_PTR		((void *)16)
#define ZERO_OR_NULL_PTR(p)	((unsigned long)(p) <= (unsigned long)ZERO_SIZE_PTR)
extern unsigned int fuzz_fail_alloc;	/* 0: never, n: the nth from now */
void *fuzz_kcalloc(size_t n, size_t size);
#define kcalloc(n, size, gfp)	fuzz_kcalloc(n, size)
#define kmalloc_array(n, size, gfp) fuzz_kcalloc(n, size)
#define kzalloc(size, gfp)	fuzz_kcalloc(1, size)
static inline void kfree(const void *p)
{
	if (!ZERO_OR_NULL_PTR(p))
		free((void *)p);
}
static inline void *krealloc_array(void *p, size_t n, size_t size, gfp_t gfp)
{
	if (fuzz_fail_alloc && !--fuzz_fail_alloc)
		return NULL;
	if (size && n > SIZE_MAX / size)
		return NULL;
	if (!n || !size) {
		kfree(p);
		return ZERO_SIZE_PTR;
	}
	return realloc(ZERO_OR_NULL_PTR(p) ? NULL : p, n * size);
}

/* include/linux/err.h */
#define MAX_ERRNO		4095
static inline void *ERR_PTR(long error)
{
	return (void *)error;
}
static inline long PTR_ERR(const void *ptr)
{
	return (long)ptr;
}
static inline bool IS_ERR(const void *ptr)
{
	return (unsigned long)ptr >= (unsigned long)-MAX_ERRNO;
}

/* Bitmaps. */
#define BITS_PER_LONG		64
#define BITS_TO_LONGS(n)	(((n) + BITS_PER_LONG - 1) / BITS_PER_LONG)
static inline unsigned long *bitmap_zalloc(unsigned int nbits, gfp_t gfp)
{
	return fuzz_kcalloc(BITS_TO_LONGS(nbits), sizeof(unsigned long));
}
static inline void bitmap_free(const unsigned long *bitmap)
{
	kfree(bitmap);
}
static inline bool test_and_set_bit(unsigned long nr, unsigned long *addr)
{
	unsigned long mask = 1UL << (nr % BITS_PER_LONG);
	unsigned long *p = addr + nr / BITS_PER_LONG;
	bool old = *p & mask;

	*p |= mask;
	return old;
}

/*
 * ctype: lib/ctype.c classifies bytes as Latin-1, so 0xc0-0xde (but 0xd7)
 * are upper and 0xdf-0xff (but 0xf7) lower case; the kernel builds with
 * -funsigned-char, and so does the harness.
 */
static inline int fz_upper(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 0xc0 && c <= 0xde && c != 0xd7);
}
static inline int fz_lower(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 0xdf && c != 0xf7);
}
static inline int fz_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}
static inline int fz_xdigit(unsigned char c)
{
	return fz_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
#define isupper(c)		fz_upper(c)
#define islower(c)		fz_lower(c)
#define isdigit(c)		fz_digit(c)
#define isxdigit(c)		fz_xdigit(c)
#define isalpha(c)		(fz_upper(c) || fz_lower(c))
#define isalnum(c)		(isalpha(c) || fz_digit(c))

/* Strings: glibc's, plus the kernel's own. */
static inline bool strstarts(const char *str, const char *prefix)
{
	return !strncmp(str, prefix, strlen(prefix));
}
/* strchrnul(): glibc's (the harness is built with _GNU_SOURCE). */

/* strscpy(dst, src[, size]): -E2BIG when truncated; reads at most size. */
static inline ssize_t fuzz_strscpy(char *dst, const char *src, size_t size)
{
	size_t i;

	if (!size)
		return -E2BIG;
	for (i = 0; i < size; i++) {
		dst[i] = src[i];
		if (!src[i])
			return i;
	}
	dst[size - 1] = '\0';
	return -E2BIG;
}
#define __fz_is_array(a) \
	(!__builtin_types_compatible_p(__typeof__(a), __typeof__(&(a)[0])))
#define __fz_strscpy2(dst, src) \
	({ _Static_assert(__fz_is_array(dst), "strscpy() needs an array"); \
	   fuzz_strscpy(dst, src, sizeof(dst)); })
#define __fz_strscpy3(dst, src, size)	fuzz_strscpy(dst, src, size)
#define __fz_pick(_1, _2, _3, name, ...) name
#define strscpy(...) \
	__fz_pick(__VA_ARGS__, __fz_strscpy3, __fz_strscpy2, 0)(__VA_ARGS__)

/* kernel/module/main.c: the __weak defaults, which x86 does not override. */
static inline bool module_init_section(const char *name)
{
	return strstarts(name, ".init");
}
static inline bool module_exit_section(const char *name)
{
	return strstarts(name, ".exit");
}

/*
 * include/linux/livepatch.h: the loader's entry point. The signature is
 * the tree's; a change there breaks the build here, as it should.
 */
int klp_check_module_relocs(Elf_Shdr *sechdrs, unsigned int shnum,
			    const char *shstrtab, const char *strtab,
#ifdef FUZZ_CHECK_MODNAME
			    unsigned int symndx, const char *modname);
#else
			    unsigned int symndx);
#endif

#endif /* FUZZ_KSHIM_H */
