/* Echoes argc, argv, the environment and the auxiliary vector entries that do not depend on the host. */
#include "nolibc.h"

int main(int argc, char **argv, char **envp) {
    put("argc="); put_num(argc); put("\n");
    for (int i = 0; i < argc; i++) { put("argv["); put_num(i); put("]="); put(argv[i]); put("\n"); }
    char **e = envp;
    for (; *e; e++) { put("env: "); put(*e); put("\n"); }
    unsigned long *auxv = (unsigned long *)(e + 1);
    /* Print in a fixed order: qemu-user orders the vector differently from the kernel. */
    static const struct { unsigned long type; const char *name; int kind; } wanted[] = {
        {6, "AT_PAGESZ", 0}, {23, "AT_SECURE", 0}, {17, "AT_CLKTCK", 0}, {15, "AT_PLATFORM", 1},
        {25, "AT_RANDOM", 2}, {9, "AT_ENTRY", 2}, {3, "AT_PHDR", 2}};
    for (unsigned i = 0; i < sizeof wanted / sizeof wanted[0]; i++) {
        unsigned long *aux = auxv;
        while (aux[0] && aux[0] != wanted[i].type) aux += 2;
        put(wanted[i].name);
        if (!aux[0]) put(" missing");
        else if (wanted[i].kind == 0) { put("="); put_num(aux[1]); }
        else if (wanted[i].kind == 1) { put("="); put((char *)aux[1]); }
        else put(aux[1] ? " set" : " zero");
        put("\n");
    }
    put("sp aligned: "); put_num(((unsigned long)argv - 8) % 16 == 0); put("\n");
    return argc + 40;
}
