/* Echoes argc, argv, the environment and the auxiliary vector entries that do not depend on the host. */
#include "nolibc.h"

int main(int argc, char **argv, char **envp) {
    put("argc="); put_num(argc); put("\n");
    for (int i = 0; i < argc; i++) { put("argv["); put_num(i); put("]="); put(argv[i]); put("\n"); }
    char **e = envp;
    for (; *e; e++) { put("env: "); put(*e); put("\n"); }
    unsigned long *aux = (unsigned long *)(e + 1);
    for (; aux[0]; aux += 2) {
        if (aux[0] == 6) { put("AT_PAGESZ="); put_num(aux[1]); put("\n"); }
        if (aux[0] == 15) { put("AT_PLATFORM="); put((char *)aux[1]); put("\n"); }
        if (aux[0] == 25) { put("AT_RANDOM is "); put(aux[1] ? "set" : "missing"); put("\n"); }
        if (aux[0] == 23) { put("AT_SECURE="); put_num(aux[1]); put("\n"); }
    }
    put("sp aligned: "); put_num(((unsigned long)argv - 8) % 16 == 0); put("\n");
    return argc + 40;
}
