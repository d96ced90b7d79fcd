// Guest for GicV2GuestTest: sends itself SGI 5, then waits for an edge-triggered SPI (INTID 33) that the
// test pulses; the IRQ handler acknowledges and EOIs through the GICv2 CPU interface.
// Rebuild: aarch64-linux-gnu-as sgi-and-spi.S -o t.o && aarch64-linux-gnu-objcopy -O binary t.o sgi-and-spi.bin
    .text
_start:
    adr   x0, vectors
    msr   vbar_el1, x0
    mov   x1, #0x08000000        // GICD
    mov   x3, #0x08010000        // GICC
    mov   w2, #1
    str   w2, [x1]               // GICD_CTLR: EnableGrp0
    str   w2, [x3]               // GICC_CTLR: EnableGrp0
    mov   w2, #0xf0
    str   w2, [x3, #4]           // GICC_PMR
    mov   w2, #2
    str   w2, [x1, #0x104]       // GICD_ISENABLER1: INTID 33
    mov   w2, #1
    strb  w2, [x1, #0x821]       // GICD_ITARGETSR: INTID 33 to CPU 0
    mov   w2, #8
    str   w2, [x1, #0xc08]       // GICD_ICFGR2: INTID 33 edge-triggered
    mov   x20, #0
    mov   w2, #5
    movk  w2, #0x0200, lsl #16
    str   w2, [x1, #0xf00]       // GICD_SGIR: SGI 5 to this CPU (filter 2)
    msr   daifclr, #2            // unmask IRQ
1:  cmp   x20, #2
    b.ne  1b
    mov   x19, #0x600d
2:  b     2b

    .balign 2048
vectors:
    .skip 0x280                  // current EL with SP_ELx, IRQ
    ldr   w4, [x3, #0xc]         // GICC_IAR
    str   w4, [x3, #0x10]        // GICC_EOIR
    add   x20, x20, #1
    cmp   x20, #1
    csel  x21, x4, x21, eq       // IAR of the first interrupt
    csel  x22, x4, x22, ne       // and of the second
    eret
