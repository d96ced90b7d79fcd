/*
 * Benchmark kernels (not a test of correctness beyond its checksums): runs one
 * compute kernel a given number of times, timed with CNTVCT_EL0, and prints
 *
 *   BENCH: kernel=<name> iters=<n> ticks=<t> freq=<cntfrq> result=0x<checksum>
 *
 * so that a harness can derive guest instructions per second from a known
 * instruction count per iteration (measured once with an instruction counter,
 * e.g. armature -d summary at two iteration counts).
 *
 * Arguments (-append): kernel=crc|sieve|matrix|simd (default crc), iters=<n>.
 *   crc     bitwise CRC-32 of a 1 KiB buffer: ALU and branches, no stores
 *   sieve   sieve of Eratosthenes below 16384: byte loads and stores
 *   matrix  16x16 32-bit integer matrix product: loads, multiply-accumulate
 *   simd    AdvSIMD (bench-simd.S): copy 16 KiB with LDP/STP of Q registers,
 *           fill 16 KiB with STP of Q registers, vectorised word and byte sums
 *           of both buffers
 * The checksum of each kernel is checked against a value computed on the host.
 */
#include "libguest.h"

#define CRC_BYTES 1024
#define SIEVE_N 16384
#define MAT_N 16
#define SIMD_BYTES 16384

static uint8_t buffer[CRC_BYTES];
static uint8_t composite[SIEVE_N];
static int32_t mat_a[MAT_N][MAT_N], mat_b[MAT_N][MAT_N], mat_c[MAT_N][MAT_N];
static uint8_t simd_src[SIMD_BYTES] __attribute__((aligned(16)));
static uint8_t simd_dst[SIMD_BYTES] __attribute__((aligned(16)));
static uint8_t simd_set[SIMD_BYTES] __attribute__((aligned(16)));

/* bench-simd.S */
void simd_copy(void *dst, const void *src, size_t bytes);
void simd_fill(void *dst, int byte, size_t bytes);
uint32_t simd_sum(const void *src, size_t bytes);

/* Deterministic test data: bytes of a 32-bit LCG. */
static void fill_data(void)
{
	uint32_t x = 12345;
	for (int i = 0; i < CRC_BYTES; i++) {
		x = x * 1103515245u + 12345u;
		buffer[i] = x >> 24;
	}
	for (int i = 0; i < SIMD_BYTES; i++) {
		x = x * 1103515245u + 12345u;
		simd_src[i] = x >> 24;
	}
	for (int i = 0; i < MAT_N; i++) {
		for (int j = 0; j < MAT_N; j++) {
			mat_a[i][j] = i * MAT_N + j - 100;
			mat_b[i][j] = (i ^ j) + 3 * j - 7;
		}
	}
}

static uint32_t crc32(const uint8_t *p, int n)
{
	uint32_t crc = 0xffffffff;
	for (int i = 0; i < n; i++) {
		crc ^= p[i];
		for (int b = 0; b < 8; b++)
			crc = (crc >> 1) ^ (0xedb88320 & -(crc & 1));
	}
	return ~crc;
}

/* Number of primes below SIEVE_N. */
static uint32_t sieve(void)
{
	uint32_t count = 0;
	memset(composite, 0, sizeof(composite));
	for (int i = 2; i < SIEVE_N; i++) {
		if (composite[i])
			continue;
		count++;
		for (int j = 2 * i; j < SIEVE_N; j += i)
			composite[j] = 1;
	}
	return count;
}

/* Sum of the elements of A * B. */
static uint32_t matrix(void)
{
	uint32_t sum = 0;
	for (int i = 0; i < MAT_N; i++) {
		for (int j = 0; j < MAT_N; j++) {
			int32_t acc = 0;
			for (int k = 0; k < MAT_N; k++)
				acc += mat_a[i][k] * mat_b[k][j];
			mat_c[i][j] = acc;
			sum += acc;
		}
	}
	return sum;
}

/* The copy's sum, rotated so that a swapped pair of buffers changes it, plus the fill's. */
static uint32_t simd(void)
{
	simd_copy(simd_dst, simd_src, SIMD_BYTES);
	simd_fill(simd_set, 0x5a, SIMD_BYTES);
	uint32_t copied = simd_sum(simd_dst, SIMD_BYTES);
	return ((copied << 7) | (copied >> 25)) + simd_sum(simd_set, SIMD_BYTES);
}

struct kernel {
	const char *name;
	uint32_t expected; /* one run's result, computed on the host (zlib.crc32 and the like) */
};

static const struct kernel kernels[] = {
	{ "crc", 0x329c2b30 },
	{ "sieve", 1900 },
	{ "matrix", 0x00278800 },
	{ "simd", 0x3433d822 },
};

static uint32_t run_once(int k)
{
	switch (k) {
	case 0: return crc32(buffer, CRC_BYTES);
	case 1: return sieve();
	case 2: return matrix();
	default: return simd();
	}
}

int main(int argc, char **argv)
{
	const char *name = "crc";
	unsigned long iters = 100;
	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "kernel=", 7))
			name = argv[i] + 7;
		else if (!strncmp(argv[i], "iters=", 6))
			iters = strtoul(argv[i] + 6, NULL, 0);
	}
	int k = -1;
	for (int i = 0; i < (int)(sizeof(kernels) / sizeof(kernels[0])); i++)
		if (!strcmp(name, kernels[i].name))
			k = i;
	report_prefix_push("bench");
	if (k < 0) {
		report_fail("unknown kernel '%s' (crc, sieve, matrix, simd)", name);
		return report_summary();
	}
	fpu_enable(); /* the simd kernel uses V registers; CPACR_EL1.FPEN traps them at reset */
	fill_data();
	uint32_t first = run_once(k), result = first;
	uint64_t freq = read_sysreg(cntfrq_el0);
	isb();
	uint64_t t0 = read_sysreg(cntvct_el0);
	for (unsigned long n = 0; n < iters; n++) {
		__asm__ volatile("" : : : "memory"); /* every iteration really runs the kernel */
		result ^= run_once(k) + n;
	}
	isb();
	uint64_t t1 = read_sysreg(cntvct_el0);
	printf("BENCH: kernel=%s iters=%lu ticks=%lu freq=%lu result=0x%08x\n", name, iters,
	       (unsigned long)(t1 - t0), (unsigned long)freq, result);
	report(first == kernels[k].expected, "%s checksum 0x%08x", name, first);
	return report_summary();
}
