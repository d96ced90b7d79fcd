#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include <signal.h>
#include <setjmp.h>
extern uint64_t g_in[96], g_out[96], g_ctl[4];
extern uint32_t patch;
extern void run_case(void);
static sigjmp_buf env;
static void on_sigill(int sig) { (void)sig; siglongjmp(env, 1); }
static uint64_t sm(uint64_t x) { uint64_t z = x + 0x9e3779b97f4a7c15ULL; z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL; z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL; return z ^ (z >> 31); }
static const uint32_t S32[16] = {0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0x7f800001, 0xffa00000,
  0x00000001, 0x807fffff, 0x00800000, 0x7f7fffff, 0x3f800000, 0xbf800000, 0x4f000000, 0x3f000000, 0x5f000000};
static const uint64_t S64[16] = {0, 0x8000000000000000ULL, 0x7ff0000000000000ULL, 0xfff0000000000000ULL,
  0x7ff8000000000000ULL, 0x7ff0000000000001ULL, 0xfff4000000000000ULL, 1, 0x800fffffffffffffULL,
  0x0010000000000000ULL, 0x7fefffffffffffffULL, 0x3ff0000000000000ULL, 0xbff0000000000000ULL,
  0x43e0000000000000ULL, 0x3fe0000000000000ULL, 0x41e0000000000000ULL};
/* One 64-bit half of a V register for case c: random bits, special singles, special doubles or nearby values. */
static uint64_t vval(uint64_t c, int j) {
  uint64_t h = sm(c << 8 | (64 + j)), s = sm(h);
  switch (s & 3) {
  case 0: return h;
  case 1: return (uint64_t)S32[(s >> 8) & 15] << 32 | S32[(s >> 12) & 15];
  case 2: return S64[(s >> 8) & 15];
  default: return (s & 4) ? (S64[(s >> 8) & 15] ^ (h & 0xfff)) : ((uint64_t)(S32[(s >> 8) & 15] ^ (h & 0x3ff)) << 32 | (S32[(s >> 12) & 15] ^ (h >> 20 & 0x3ff)));
  }
}
int main(void) {
  char line[512];
  signal(SIGILL, on_sigill);
  while (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\n")] = 0;
    char copy[512]; strcpy(copy, line);
    uint32_t word = strtoul(strtok(copy, ";"), 0, 16);
    uint64_t c = strtoull(strtok(0, ";"), 0, 10);
    for (int i = 0; i < 31; i++) g_in[i] = sm(c << 8 | i);
    g_in[31] = 0;
    for (int j = 0; j < 64; j++) g_in[32 + j] = vval(c, j);
    uint64_t r = sm(c << 8 | 200);
    g_ctl[0] = (r & 3) << 22 | ((r >> 2) & 1) << 24 | ((r >> 3) & 1) << 25 | ((r >> 4) & 1) << 26;
    g_ctl[1] = ((r >> 8) & 15) << 28;
    g_ctl[2] = ((r >> 12) & 1) << 4 | ((r >> 13) & 1) << 27;
    patch = word;
    __builtin___clear_cache((char *)&patch, (char *)&patch + 4);
    printf("%s;", line);
    if (sigsetjmp(env, 1)) {
      __asm__ volatile("msr fpcr, xzr");
      printf(" undef\n");
      fflush(stdout);
      continue;
    }
    run_case();
    for (int i = 0; i < 31; i++) if (g_out[i] != g_in[i]) printf(" x%d=%lx", i, (unsigned long)g_out[i]);
    for (int n = 0; n < 32; n++) if (g_out[32+2*n] != g_in[32+2*n] || g_out[33+2*n] != g_in[33+2*n]) printf(" v%d=%016lx:%016lx", n, (unsigned long)g_out[33+2*n], (unsigned long)g_out[32+2*n]);
    if (g_ctl[2]) printf(" fpsr=%lx", (unsigned long)g_ctl[2]);
    if (g_ctl[3] != g_ctl[1]) printf(" nzcv=%lx", (unsigned long)g_ctl[3]);
    printf("\n");
    fflush(stdout);
  }
  return 0;
}
