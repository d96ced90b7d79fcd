.globl _start
_start: ldr x1, =stack_top
  mov sp, x1
  mov x1, #1<<20
  msr cpacr_el1, x1
  ldr x0, =VER
  bl main
1: b 1b
.bss
.balign 16
.space 8192
stack_top:
