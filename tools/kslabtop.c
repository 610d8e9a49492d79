// SPDX-License-Identifier: GPL-2.0
/*
 * kslabtop.c - show kslab's caches live, as slabtop shows the kernel's:
 * it reads /proc/kslabinfo (the cache list and slab geometry) and, where
 * they exist, /sys/kernel/kslab/<cache>/ (exact live objects, pages held,
 * the always-on fast/slow path counters), and prints one line per cache
 * under a header of totals. Plain terminal output, no curses: it builds
 * with `gcc -static` and runs in the guest's busybox root.
 *
 * Columns: OBJS (objects in slabs), ACTIVE (live objects), OBJSIZE (bytes
 * the client asked for), CACHE (bytes held in pages), UTIL (live bytes /
 * cache bytes), WASTE (cache bytes - live bytes), FAST (share of allocs
 * and frees served by the per-CPU fast path), REMOTE (share of frees made
 * on another node). A "-" is a figure whose sysfs file is missing.
 */
#define pr_fmt(fmt) "kslabtop: " fmt

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define SLABINFO_HEADER "slabinfo - version: 2.1"
#define NOT_READ ((unsigned long)-1)

/* The sysfs files kslabtop reads; a missing one reads as NOT_READ. */
enum sys_field {
	SYS_OBJECT_SIZE,
	SYS_PAGES,
	SYS_OBJECTS_LIVE,
	SYS_ALLOC_FASTPATH,
	SYS_ALLOC_SLOWPATH,
	SYS_FREE_FASTPATH,
	SYS_FREE_SLOWPATH,
	SYS_FREE_REMOTE,
	NR_SYS
};

static const char *const sys_names[NR_SYS] = {
	[SYS_OBJECT_SIZE] = "object_size",
	[SYS_PAGES] = "pages",
	[SYS_OBJECTS_LIVE] = "objects_live",
	[SYS_ALLOC_FASTPATH] = "alloc_fastpath",
	[SYS_ALLOC_SLOWPATH] = "alloc_slowpath",
	[SYS_FREE_FASTPATH] = "free_fastpath",
	[SYS_FREE_SLOWPATH] = "free_slowpath",
	[SYS_FREE_REMOTE] = "free_remote",
};

/* One cache: what the files say, then the columns derived from it. */
struct cache {
	char *name;
	unsigned long objs, active, slabs;
	unsigned int objsize, pagesperslab;
	unsigned long sys[NR_SYS];
	unsigned long size;		/* object bytes */
	unsigned long bytes;		/* cache bytes: pages held */
	unsigned long live;		/* live bytes */
	unsigned long waste;
	double util, fast, remote;	/* percent; < 0 when unknown */
};

struct totals {
	unsigned long caches, used, objs, active, slabs, bytes, live;
	unsigned long fast, slow, frees, remote;
};

static const char *proc_path = "/proc/kslabinfo";
static const char *sys_path = "/sys/kernel/kslab";
static long page_size;
static char sort_key = 'o';

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs(pr_fmt(""), stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* sys_read - the leading number of <sys_path>/<cache>/<file>, or NOT_READ. */
static unsigned long sys_read(const char *cache, const char *file)
{
	char path[512], buf[64];
	unsigned long v;
	char *end;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/%s", sys_path, cache, file);
	f = fopen(path, "r");
	if (!f)
		return NOT_READ;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	errno = 0;
	v = strtoul(buf, &end, 10);
	if (end == buf || errno)
		die("%s: not a number: '%s'", path, strtok(buf, "\n"));
	return v;
}

static double percent(unsigned long part, unsigned long whole)
{
	return whole ? 100.0 * part / whole : -1;
}

/* cache_derive - fill the columns from the figures read. */
static void cache_derive(struct cache *c)
{
	unsigned long *sys = c->sys;
	unsigned long frees;

	c->size = sys[SYS_OBJECT_SIZE] != NOT_READ ? sys[SYS_OBJECT_SIZE] : c->objsize;
	if (sys[SYS_OBJECTS_LIVE] != NOT_READ)
		c->active = sys[SYS_OBJECTS_LIVE];
	if (sys[SYS_PAGES] != NOT_READ)
		c->bytes = sys[SYS_PAGES] * page_size;
	else
		c->bytes = c->slabs * c->pagesperslab * page_size;
	c->live = c->active * c->size;
	c->waste = c->bytes > c->live ? c->bytes - c->live : 0;
	c->util = percent(c->live, c->bytes);
	c->fast = -1;
	if (sys[SYS_ALLOC_FASTPATH] != NOT_READ && sys[SYS_ALLOC_SLOWPATH] != NOT_READ &&
	    sys[SYS_FREE_FASTPATH] != NOT_READ && sys[SYS_FREE_SLOWPATH] != NOT_READ)
		c->fast = percent(sys[SYS_ALLOC_FASTPATH] + sys[SYS_FREE_FASTPATH],
				  sys[SYS_ALLOC_FASTPATH] + sys[SYS_ALLOC_SLOWPATH] +
				  sys[SYS_FREE_FASTPATH] + sys[SYS_FREE_SLOWPATH]);
	c->remote = -1;
	if (c->fast >= 0 && sys[SYS_FREE_REMOTE] != NOT_READ) {
		frees = sys[SYS_FREE_FASTPATH] + sys[SYS_FREE_SLOWPATH];
		c->remote = percent(sys[SYS_FREE_REMOTE], frees);
	}
}

/* cache_parse - one line of /proc/kslabinfo into @c; 0 or -1. */
static int cache_parse(struct cache *c, char *line)
{
	unsigned int perslab;
	size_t len = strcspn(line, " \t\n");
	int i;

	memset(c, 0, sizeof(*c));
	if (!len || !line[len])
		return -1;
	line[len] = '\0';
	if (sscanf(line + len + 1, "%lu %lu %u %u %u : tunables %*u %*u %*u : slabdata %lu",
		   &c->active, &c->objs, &c->objsize, &perslab, &c->pagesperslab,
		   &c->slabs) != 6)
		return -1;
	c->name = strdup(line);
	if (!c->name)
		die("out of memory");
	for (i = 0; i < NR_SYS; i++)
		c->sys[i] = sys_read(c->name, sys_names[i]);
	cache_derive(c);
	return 0;
}

/* caches_read - all caches of /proc/kslabinfo; returns how many. */
static size_t caches_read(struct cache **out)
{
	struct cache *v = NULL;
	size_t n = 0, cap = 0;
	char line[1024], copy[1024];
	int lineno = 1;
	FILE *f;

	f = fopen(proc_path, "r");
	if (!f)
		die("%s: %s (is kslab loaded?)", proc_path, strerror(errno));
	if (!fgets(line, sizeof(line), f) ||
	    strncmp(line, SLABINFO_HEADER, strlen(SLABINFO_HEADER)))
		die("%s: does not start with '%s'", proc_path, SLABINFO_HEADER);
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (line[0] == '#')
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			v = realloc(v, cap * sizeof(*v));
			if (!v)
				die("out of memory");
		}
		memcpy(copy, line, sizeof(line));
		if (cache_parse(&v[n], line))
			die("%s:%d: cannot parse '%s'", proc_path, lineno, strtok(copy, "\n"));
		n++;
	}
	fclose(f);
	*out = v;
	return n;
}

static void caches_free(struct cache *v, size_t n)
{
	while (n--)
		free(v[n].name);
	free(v);
}

/* sort_value - the figure of @c that the sort key names (name: none). */
static double sort_value(const struct cache *c)
{
	switch (sort_key) {
	case 'o':
		return c->objs;
	case 'a':
		return c->active;
	case 's':
		return c->size;
	case 'c':
		return c->bytes;
	case 'w':
		return c->waste;
	case 'u':
		return c->util;
	case 'f':
		return c->fast;
	case 'r':
		return c->remote;
	}
	return 0;
}

/* cache_cmp - qsort order: the sort key descending, ties by name. */
static int cache_cmp(const void *pa, const void *pb)
{
	const struct cache *a = pa, *b = pb;
	double va = sort_value(a), vb = sort_value(b);

	if (va != vb)
		return va < vb ? 1 : -1;
	return strcmp(a->name, b->name);
}

static void totals_sum(struct totals *t, const struct cache *v, size_t n)
{
	const unsigned long *sys;
	size_t i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < n; i++) {
		sys = v[i].sys;
		t->caches++;
		t->used += v[i].active != 0;
		t->objs += v[i].objs;
		t->active += v[i].active;
		t->slabs += v[i].slabs;
		t->bytes += v[i].bytes;
		t->live += v[i].live;
		if (v[i].fast < 0)
			continue;
		t->fast += sys[SYS_ALLOC_FASTPATH] + sys[SYS_FREE_FASTPATH];
		t->slow += sys[SYS_ALLOC_SLOWPATH] + sys[SYS_FREE_SLOWPATH];
		t->frees += sys[SYS_FREE_FASTPATH] + sys[SYS_FREE_SLOWPATH];
		if (v[i].remote >= 0)
			t->remote += sys[SYS_FREE_REMOTE];
	}
}

/* pct_str - "97.5%" or "-" for an unknown share. */
static const char *pct_str(char *buf, size_t len, double pct)
{
	if (pct < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.1f%%", pct);
	return buf;
}

static void print_header(const struct totals *t)
{
	char a[16], b[16], c[16];

	printf(" Active / Total Caches  : %lu / %lu\n", t->used, t->caches);
	printf(" Active / Total Objects : %lu / %lu (%s)\n", t->active, t->objs,
	       pct_str(a, sizeof(a), percent(t->active, t->objs)));
	printf(" Slabs                  : %lu\n", t->slabs);
	printf(" Held / Live / Waste    : %.2fK / %.2fK / %.2fK (util %s)\n",
	       t->bytes / 1024.0, t->live / 1024.0,
	       (t->bytes > t->live ? t->bytes - t->live : 0) / 1024.0,
	       pct_str(b, sizeof(b), percent(t->live, t->bytes)));
	printf(" Fast path / Remote free: %s / %s\n\n",
	       pct_str(a, sizeof(a), percent(t->fast, t->fast + t->slow)),
	       pct_str(c, sizeof(c), percent(t->remote, t->frees)));
}

static void print_table(const struct cache *v, size_t n, size_t rows)
{
	char u[16], f[16], r[16];
	size_t i;

	printf("%8s %8s %7s %10s %6s %10s %6s %6s %s\n", "OBJS", "ACTIVE", "OBJSIZE",
	       "CACHE", "UTIL", "WASTE", "FAST", "REMOTE", "NAME");
	for (i = 0; i < n && i < rows; i++)
		printf("%8lu %8lu %7lu %9luK %6s %9luK %6s %6s %s\n", v[i].objs,
		       v[i].active, v[i].size, v[i].bytes / 1024,
		       pct_str(u, sizeof(u), v[i].util), v[i].waste / 1024,
		       pct_str(f, sizeof(f), v[i].fast), pct_str(r, sizeof(r), v[i].remote),
		       v[i].name);
}

static void json_pct(const char *key, double pct, const char *sep)
{
	if (pct < 0)
		printf("\"%s\":null%s", key, sep);
	else
		printf("\"%s\":%.2f%s", key, pct, sep);
}

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void print_json(const struct totals *t, const struct cache *v, size_t n)
{
	size_t i;
	int k;

	printf("{\"totals\":{\"caches\":%lu,\"active_caches\":%lu,\"objects\":%lu,",
	       t->caches, t->used, t->objs);
	printf("\"active\":%lu,\"slabs\":%lu,\"cache_bytes\":%lu,\"live_bytes\":%lu,",
	       t->active, t->slabs, t->bytes, t->live);
	json_pct("util", percent(t->live, t->bytes), ",");
	json_pct("fast", percent(t->fast, t->fast + t->slow), ",");
	json_pct("remote", percent(t->remote, t->frees), "},\n\"caches\":[");
	for (i = 0; i < n; i++) {
		printf("%s\n{\"name\":", i ? "," : "");
		json_string(v[i].name);
		printf(",\"objects\":%lu,\"active\":%lu,\"slabs\":%lu,\"objsize\":%lu,",
		       v[i].objs, v[i].active, v[i].slabs, v[i].size);
		printf("\"cache_bytes\":%lu,\"live_bytes\":%lu,\"waste\":%lu,",
		       v[i].bytes, v[i].live, v[i].waste);
		json_pct("util", v[i].util, ",");
		json_pct("fast", v[i].fast, ",");
		json_pct("remote", v[i].remote, ",\"sysfs\":{");
		for (k = 0; k < NR_SYS; k++) {
			printf("%s\"%s\":", k ? "," : "", sys_names[k]);
			if (v[i].sys[k] == NOT_READ)
				printf("null");
			else
				printf("%lu", v[i].sys[k]);
		}
		printf("}}");
	}
	printf("]}\n");
}

/* term_rows - table rows that fit the terminal (all when not a terminal). */
static size_t term_rows(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) || ws.ws_row < 10)
		return (size_t)-1;
	return ws.ws_row - 8;
}

/* show - read everything once and print one screen (or JSON document). */
static void show(int json, int clear)
{
	struct totals t;
	struct cache *v;
	size_t n;

	n = caches_read(&v);
	qsort(v, n, sizeof(*v), cache_cmp);
	totals_sum(&t, v, n);
	if (json) {
		print_json(&t, v, n);
	} else {
		if (clear)
			fputs("\033[H\033[2J", stdout);
		print_header(&t);
		print_table(v, n, clear ? term_rows() : (size_t)-1);
	}
	fflush(stdout);
	caches_free(v, n);
}

static void help(void)
{
	printf("usage: kslabtop [-s KEY] [-d SECONDS] [-n COUNT] [--once] [--json]\n"
	       "                [--proc FILE] [--sysfs DIR]\n"
	       "  -s KEY      sort by: o objects (default), a active, s object size,\n"
	       "              c cache bytes, u utilisation, w waste, f fast-path rate,\n"
	       "              r remote-free share, n name\n"
	       "  -d SECONDS  refresh interval (default 3)\n"
	       "  -n COUNT    stop after COUNT screens (default: until interrupted)\n"
	       "  -o, --once  print one screen to stdout and exit\n"
	       "  -j, --json  print one JSON document and exit\n"
	       "  --proc FILE, --sysfs DIR  read these instead of %s and %s\n",
	       proc_path, sys_path);
	exit(0);
}

static long parse_num(const char *opt, const char *arg, long min)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || *end || end == arg || v < min)
		die("%s: '%s' is not a whole number >= %ld", opt, arg, min);
	return v;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "once", no_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ "sort", required_argument, NULL, 's' },
		{ "delay", required_argument, NULL, 'd' },
		{ "count", required_argument, NULL, 'n' },
		{ "proc", required_argument, NULL, 'P' },
		{ "sysfs", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	long delay = 3, count = 0, i;
	int once = 0, json = 0, opt;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":s:d:n:ojh", longopts, NULL)) != -1) {
		switch (opt) {
		case 's':
			if (strlen(optarg) != 1 || !strchr("oascuwfrn", optarg[0]))
				die("-s: unknown sort key '%s' (one of o a s c u w f r n)", optarg);
			sort_key = optarg[0];
			break;
		case 'd':
			delay = parse_num("-d", optarg, 1);
			break;
		case 'n':
			count = parse_num("-n", optarg, 1);
			break;
		case 'o':
			once = 1;
			break;
		case 'j':
			json = 1;
			break;
		case 'P':
			proc_path = optarg;
			break;
		case 'S':
			sys_path = optarg;
			break;
		case 'h':
			help();
			break;
		case ':':
			die("%s needs an argument (see --help)", argv[optind - 1]);
			break;
		default:
			die("unknown option '%s' (see --help)", argv[optind - 1]);
		}
	}
	if (optind < argc)
		die("unexpected argument '%s' (see --help)", argv[optind]);
	page_size = sysconf(_SC_PAGESIZE);
	if (once || json) {
		show(json, 0);
		return 0;
	}
	for (i = 0; !count || i < count; i++) {
		if (i)
			sleep(delay);
		show(0, isatty(STDOUT_FILENO));
	}
	return 0;
}
