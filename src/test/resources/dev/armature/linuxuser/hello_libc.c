/* glibc: printf and friends. */
#include <stdio.h>

int main(int argc, char **argv) {
    printf("hello, world\n");
    printf("%d %s %5.2f%%\n", argc, argv[argc - 1], 12.5);
    fprintf(stderr, "to stderr\n");
    return 7;
}
