/* Flattened device tree walker (DTSpec v0.3, version 17 blobs). */
#include <stddef.h>
#include "fdt.h"
#include "string.h"

#define FDT_MAGIC      0xd00dfeed
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE   2
#define FDT_PROP       3
#define FDT_NOP        4
#define FDT_END        9
#define MAX_DEPTH      16

struct fdt_header {
	uint32_t magic, totalsize, off_dt_struct, off_dt_strings, off_mem_rsvmap;
	uint32_t version, last_comp_version, boot_cpuid_phys, size_dt_strings, size_dt_struct;
};

static const uint8_t *blob;
static const uint8_t *structs;
static const char *strings;
static uint32_t struct_size, total_size;

uint32_t be32_to_cpu(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

int dt_init(const void *p)
{
	const struct fdt_header *h = p;
	blob = NULL;
	if (!p || be32_to_cpu(&h->magic) != FDT_MAGIC || be32_to_cpu(&h->last_comp_version) > 17)
		return -1;
	uint32_t size = be32_to_cpu(&h->totalsize);
	uint32_t soff = be32_to_cpu(&h->off_dt_struct), ssize = be32_to_cpu(&h->size_dt_struct);
	uint32_t stroff = be32_to_cpu(&h->off_dt_strings);
	if (soff + ssize > size || stroff > size || (soff & 3))
		return -1;
	blob = p;
	structs = blob + soff;
	strings = (const char *)blob + stroff;
	struct_size = ssize;
	total_size = size;
	return 0;
}

const void *dt_blob(void)
{
	return blob;
}

uint32_t dt_totalsize(void)
{
	return blob ? total_size : 0;
}

static uint32_t tag_at(int off)
{
	return (uint32_t)off + 4 <= struct_size ? be32_to_cpu(structs + off) : FDT_END;
}

/* Offset of the token after the one at off. */
static int skip_token(int off)
{
	uint32_t tag = tag_at(off);
	off += 4;
	if (tag == FDT_BEGIN_NODE)
		off += (int)strlen((const char *)structs + off) + 1;
	else if (tag == FDT_PROP)
		off += 8 + (int)be32_to_cpu(structs + off);
	return (off + 3) & ~3;
}

int dt_next_node(int node, int *depth)
{
	if (!blob)
		return -1;
	int off = 0, level = 0;
	if (node >= 0) {
		off = skip_token(node);
		level = (depth ? *depth : 0) + 1;
	}
	for (;;) {
		switch (tag_at(off)) {
		case FDT_BEGIN_NODE:
			if (depth)
				*depth = level;
			return off;
		case FDT_END_NODE:
			level--;
			break;
		case FDT_PROP:
		case FDT_NOP:
			break;
		default:
			return -1;
		}
		off = skip_token(off);
	}
}

const char *dt_node_name(int node)
{
	return node >= 0 && blob ? (const char *)structs + node + 4 : NULL;
}

/* comp (len bytes) is one path component; without "@unit" it matches any unit address. */
static bool name_matches(const char *name, const char *comp, size_t len)
{
	if (strncmp(name, comp, len) != 0)
		return false;
	if (name[len] == '\0')
		return true;
	for (size_t i = 0; i < len; i++)
		if (comp[i] == '@')
			return false;
	return name[len] == '@';
}

int dt_path_offset(const char *path)
{
	if (!blob || !path || path[0] != '/')
		return -1;
	int node = dt_next_node(-1, NULL), depth = 0;
	for (const char *p = path; node >= 0;) {
		while (*p == '/')
			p++;
		if (!*p)
			return node;
		size_t len = 0;
		while (p[len] && p[len] != '/')
			len++;
		/* Search the children of node (depth + 1) for the component. */
		int want = depth + 1, d = depth, child = node;
		for (;;) {
			child = dt_next_node(child, &d);
			if (child < 0 || d < want) {
				return -1;
			}
			if (d == want && name_matches(dt_node_name(child), p, len))
				break;
		}
		node = child;
		depth = want;
		p += len;
	}
	return -1;
}

int dt_parent(int node)
{
	int stack[MAX_DEPTH];
	int depth = 0;
	for (int n = dt_next_node(-1, &depth); n >= 0; n = dt_next_node(n, &depth)) {
		if (depth >= MAX_DEPTH)
			continue;
		stack[depth] = n;
		if (n == node)
			return depth > 0 ? stack[depth - 1] : -1;
	}
	return -1;
}

const void *dt_getprop(int node, const char *name, int *len)
{
	if (!blob || node < 0 || tag_at(node) != FDT_BEGIN_NODE)
		return NULL;
	for (int off = skip_token(node);; off = skip_token(off)) {
		uint32_t tag = tag_at(off);
		if (tag == FDT_NOP)
			continue;
		if (tag != FDT_PROP)
			return NULL;   /* properties precede subnodes */
		if (strcmp(strings + be32_to_cpu(structs + off + 8), name) == 0) {
			if (len)
				*len = (int)be32_to_cpu(structs + off + 4);
			return structs + off + 12;
		}
	}
}

static uint64_t read_cells(const uint8_t *p, int cells)
{
	uint64_t v = 0;
	for (int i = 0; i < cells; i++)
		v = v << 32 | be32_to_cpu(p + 4 * i);
	return v;
}

int dt_prop_u64(int node, const char *name, uint64_t *value)
{
	int len;
	const uint8_t *p = dt_getprop(node, name, &len);
	if (!p || (len != 4 && len != 8))
		return -1;
	*value = read_cells(p, len / 4);
	return 0;
}

bool dt_node_is_compatible(int node, const char *compat)
{
	int len;
	const char *list = dt_getprop(node, "compatible", &len);
	if (!list)
		return false;
	for (int i = 0; i < len; i += (int)strlen(list + i) + 1)
		if (strcmp(list + i, compat) == 0)
			return true;
	return false;
}

int dt_find_compatible(int after, const char *compat)
{
	int depth = 0;
	for (int n = dt_next_node(after, &depth); n >= 0; n = dt_next_node(n, &depth))
		if (dt_node_is_compatible(n, compat))
			return n;
	return -1;
}

static int cells_prop(int node, const char *name, int dflt)
{
	int len;
	const void *p = dt_getprop(node, name, &len);
	return p && len == 4 ? (int)be32_to_cpu(p) : dflt;
}

int dt_get_reg(int node, int index, uint64_t *addr, uint64_t *size)
{
	int parent = dt_parent(node), len;
	int ac = cells_prop(parent, "#address-cells", 2), sc = cells_prop(parent, "#size-cells", 1);
	const uint8_t *reg = dt_getprop(node, "reg", &len);
	int stride = 4 * (ac + sc);
	if (!reg || ac > 2 || sc > 2 || stride == 0 || (index + 1) * stride > len)
		return -1;
	reg += index * stride;
	if (addr)
		*addr = read_cells(reg, ac);
	if (size)
		*size = read_cells(reg + 4 * ac, sc);
	return 0;
}

int dt_get_interrupts(int node, uint32_t *cells, int max)
{
	int len;
	const uint8_t *p = dt_getprop(node, "interrupts", &len);
	if (!p)
		return 0;
	int n = len / 4;
	for (int i = 0; i < n && i < max; i++)
		cells[i] = be32_to_cpu(p + 4 * i);
	return n < max ? n : max;
}

static bool has_device_type(int node, const char *type)
{
	const char *t = dt_getprop(node, "device_type", NULL);
	return t && strcmp(t, type) == 0;
}

uint64_t dt_memory_size(uint64_t *first_base)
{
	uint64_t total = 0;
	bool first = true;
	int depth = 0;
	for (int n = dt_next_node(-1, &depth); n >= 0; n = dt_next_node(n, &depth)) {
		if (!has_device_type(n, "memory"))
			continue;
		uint64_t base, size;
		for (int i = 0; dt_get_reg(n, i, &base, &size) == 0; i++) {
			if (first && first_base)
				*first_base = base;
			first = false;
			total += size;
		}
	}
	return total;
}

/* The index-th cpu node under /cpus, or -1. */
static int cpu_node(int index)
{
	int cpus = dt_path_offset("/cpus");
	if (cpus < 0)
		return -1;
	int depth = 1, d = depth;
	for (int n = dt_next_node(cpus, &d); n >= 0 && d > depth; n = dt_next_node(n, &d))
		if (d == depth + 1 && has_device_type(n, "cpu") && index-- == 0)
			return n;
	return -1;
}

int dt_cpu_count(void)
{
	int n = 0;
	while (cpu_node(n) >= 0)
		n++;
	return n;
}

int dt_cpu_mpidr(int index, uint64_t *mpidr)
{
	int node = cpu_node(index);
	return node < 0 ? -1 : dt_get_reg(node, 0, mpidr, NULL);
}

const char *dt_bootargs(void)
{
	const char *args = dt_getprop(dt_path_offset("/chosen"), "bootargs", NULL);
	return args ? args : "";
}
