#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
extern uint64_t g_in[96], g_out[96];
extern uint32_t patch;
extern void run_case(void);
static uint8_t buf[4096] __attribute__((aligned(4096)));
static uint64_t sm(uint64_t x) { uint64_t z = x + 0x9e3779b97f4a7c15ULL; z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL; z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL; return z ^ (z >> 31); }
static void fmt(char *o, uint64_t v) {
  int64_t d = (int64_t)(v - (uint64_t)buf);
  if (d >= -65536 && d <= 65536) sprintf(o, "b%+ld", (long)d); else sprintf(o, "0x%lx", (unsigned long)v);
}
int main(void) {
  char line[512];
  while (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\n")] = 0;
    char copy[512]; strcpy(copy, line);
    uint32_t word = strtoul(strtok(copy, ";"), 0, 16);
    uint64_t c = strtoull(strtok(0, ";"), 0, 10);
    char *ov = strtok(0, ";");
    for (int i = 0; i < 31; i++) g_in[i] = sm(c << 8 | i);
    g_in[31] = 0;
    for (int j = 0; j < 64; j++) g_in[32 + j] = sm(c << 8 | (64 + j));
    for (char *p = ov ? strtok(ov, ",") : 0; p; p = strtok(0, ",")) {
      int r = atoi(p + 1); char *v = strchr(p, '=') + 1;
      g_in[r] = v[0] == 'b' ? (uint64_t)buf + strtol(v + 1, 0, 10) : strtoull(v, 0, 16);
    }
    for (int i = 0; i < 4096; i++) buf[i] = (uint8_t)(i * 13 + 7);
    patch = word;
    __builtin___clear_cache((char *)&patch, (char *)&patch + 4);
    run_case();
    printf("%s;", line);
    char t[64];
    for (int i = 0; i < 31; i++) if (g_out[i] != g_in[i]) { fmt(t, g_out[i]); printf(" x%d=%s", i, t); }
    for (int n = 0; n < 32; n++) if (g_out[32+2*n] != g_in[32+2*n] || g_out[33+2*n] != g_in[33+2*n]) printf(" v%d=%016lx:%016lx", n, (unsigned long)g_out[33+2*n], (unsigned long)g_out[32+2*n]);
    for (int i = 0; i < 4096; i += 8) { uint64_t e = 0, a; for (int k = 7; k >= 0; k--) e = e << 8 | (uint8_t)((i + k) * 13 + 7); memcpy(&a, buf + i, 8); if (a != e) printf(" m%d=%016lx", i, (unsigned long)a); }
    printf("\n");
    fflush(stdout);
  }
  return 0;
}
