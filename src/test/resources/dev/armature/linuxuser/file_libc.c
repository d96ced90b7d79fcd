/* glibc: stdio reading the file named by argv[1]. */
#include <stdio.h>

int main(int argc, char **argv) {
    FILE *f = fopen(argv[1], "r");
    if (!f) { perror("fopen"); return 1; }
    char line[128];
    int n = 0;
    while (fgets(line, sizeof line, f)) printf("%d: %s", ++n, line);
    fclose(f);
    printf("%d lines\n", n);
    return 0;
}
