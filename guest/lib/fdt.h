/*
 * Read-only flattened device tree (DTB) reader. Nodes are identified by the
 * offset of their FDT_BEGIN_NODE token in the structure block; -1 means "none".
 * All functions are safe to call when no valid DTB was found (they find nothing).
 */
#ifndef GUEST_FDT_H
#define GUEST_FDT_H

#include <stdbool.h>
#include <stdint.h>

/* Accepts the blob if its header is sane; returns 0, or -1 (the reader stays empty). */
int dt_init(const void *blob);
const void *dt_blob(void);          /* NULL without a valid DTB */
uint32_t dt_totalsize(void);

/*
 * Next node in document order after node (-1: the root). depth (optional) is
 * in/out: on entry the depth of node, on return that of the node found (root = 0).
 */
int dt_next_node(int node, int *depth);
/* Node for an absolute path like "/chosen" or "/cpus/cpu@1"; a component without "@unit" matches any unit. */
int dt_path_offset(const char *path);
int dt_parent(int node);
const char *dt_node_name(int node);
/* Property value and length in bytes, or NULL. */
const void *dt_getprop(int node, const char *name, int *len);
/* A 32- or 64-bit property (cells are big-endian); returns 0 or -1 if absent or of another size. */
int dt_prop_u64(int node, const char *name, uint64_t *value);
bool dt_node_is_compatible(int node, const char *compat);
/* First node after `after` (-1: search from the start) whose "compatible" list contains compat. */
int dt_find_compatible(int after, const char *compat);
/* Entry `index` of the node's "reg", sized by the parent's #address-cells/#size-cells. 0 or -1. */
int dt_get_reg(int node, int index, uint64_t *addr, uint64_t *size);
/* Copies up to max cells of "interrupts" into cells; returns the number of cells, 0 if none. */
int dt_get_interrupts(int node, uint32_t *cells, int max);

/* Board queries. */
uint64_t dt_memory_size(uint64_t *first_base);   /* sum of all device_type="memory" regions */
int dt_cpu_count(void);                            /* nodes under /cpus with device_type="cpu" */
int dt_cpu_mpidr(int index, uint64_t *mpidr);      /* "reg" of the index-th cpu node */
const char *dt_bootargs(void);                     /* /chosen/bootargs, "" if absent */

uint32_t be32_to_cpu(const void *p);

#endif
