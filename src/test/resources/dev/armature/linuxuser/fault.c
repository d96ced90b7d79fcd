/* Dies the way argv[1] says: segv (load from an unmapped page), trap (BRK) or ill (UDF). */
#include "nolibc.h"

int main(int argc, char **argv, char **envp) {
    put("about to fault\n");
    if (argv[1][0] == 's') return *(volatile int *)0x10;
    if (argv[1][0] == 't') __asm__ volatile("brk #1");
    __asm__ volatile("udf #0");
    return 0;
}
