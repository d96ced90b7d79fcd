/* glibc: string functions and qsort. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(void) {
    char buf[256];
    strcpy(buf, "The quick brown fox");
    strcat(buf, " jumps over the lazy dog");
    printf("len %zu, chr %s, str %s\n", strlen(buf), strchr(buf, 'q'), strstr(buf, "lazy"));
    char *words[] = {"pear", "apple", "fig", "banana", "apricot", "cherry"};
    qsort(words, 6, sizeof words[0], cmp);
    for (int i = 0; i < 6; i++) printf("%s%c", words[i], i < 5 ? ' ' : '\n');
    char out[64];
    snprintf(out, sizeof out, "%08x|%-6s|%ld", 0xbeefu, "ab", -1234567890123L);
    printf("%s memcmp %d\n", out, memcmp("abc", "abd", 3) < 0);
    return 0;
}
