// Reads ID registers at EL0 (Linux emulates the MRS, HWCAP_CPUID) and writes the 8 values to stdout.
    .global _start
_start:
    adr     x9, buf
    mrs     x0, midr_el1
    str     x0, [x9]
    mrs     x0, mpidr_el1
    str     x0, [x9, 8]
    mrs     x0, revidr_el1
    str     x0, [x9, 16]
    mrs     x0, id_aa64pfr0_el1
    str     x0, [x9, 24]
    mrs     x0, id_aa64isar0_el1
    str     x0, [x9, 32]
    mrs     x0, id_aa64isar1_el1
    str     x0, [x9, 40]
    mrs     x0, id_aa64mmfr0_el1
    str     x0, [x9, 48]
    mrs     x0, id_aa64pfr1_el1
    str     x0, [x9, 56]
    mov     x0, 1
    mov     x1, x9
    mov     x2, 64
    mov     x8, 64          // write(1, buf, 64)
    svc     0
    mov     x0, 0
    mov     x8, 93          // exit(0)
    svc     0
    .data
buf: .space 64
