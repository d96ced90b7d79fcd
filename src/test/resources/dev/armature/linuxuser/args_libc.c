/* glibc: argv, environment lookups. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    for (int i = 0; i < argc; i++) printf("argv[%d]=%s\n", i, argv[i]);
    const char *v = getenv("ARM_X");
    printf("ARM_X=%s\n", v ? v : "(unset)");
    printf("HOME is %s\n", getenv("HOME") ? "set" : "unset");
    return 0;
}
