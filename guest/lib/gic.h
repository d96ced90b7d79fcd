/*
 * GIC driver for the virt board: GICv2 (memory-mapped CPU interface) or GICv3
 * (ICC system registers, one redistributor per CPU), chosen from the DTB's
 * /intc "compatible". INTIDs: 0-15 SGIs, 16-31 PPIs, 32+ SPIs.
 */
#ifndef GUEST_GIC_H
#define GUEST_GIC_H

#include <stdbool.h>
#include <stdint.h>
#include "exceptions.h"

#define GIC_SPURIOUS 1023
#define PPI(n) (16 + (n))           /* PPI number n as an INTID */
#define TIMER_VIRT_IRQ PPI(11)      /* 27 */
#define TIMER_PHYS_IRQ PPI(14)      /* 30 */

/* Distributor and CPU interface registers (GICv2; the distributor ones are shared with v3). */
#define GICD_CTLR        0x000
#define GICD_TYPER       0x004
#define GICD_IIDR        0x008
#define GICD_ISENABLER   0x100
#define GICD_ICENABLER   0x180
#define GICD_ISPENDR     0x200
#define GICD_ICPENDR     0x280
#define GICD_ISACTIVER   0x300
#define GICD_ICACTIVER   0x380
#define GICD_IPRIORITYR  0x400
#define GICD_SGIR        0xf00
#define GICD_PIDR2_V2    0xfe8
#define GICD_PIDR2_V3    0xffe8
#define GICC_CTLR        0x00
#define GICC_PMR         0x04
#define GICC_BPR         0x08
#define GICC_IAR         0x0c
#define GICC_EOIR        0x10
#define GICC_RPR         0x14
#define GICC_IIDR        0xfc
/* Redistributor (GICv3): RD frame, then the SGI frame 64 KiB later. */
#define GICR_TYPER       0x0008
#define GICR_WAKER       0x0014
#define GICR_SGI         0x10000
#define GICR_IGROUPR0    (GICR_SGI + 0x080)
#define GICR_ISENABLER0  (GICR_SGI + 0x100)
#define GICR_ICENABLER0  (GICR_SGI + 0x180)
#define GICR_ISPENDR0    (GICR_SGI + 0x200)
#define GICR_ICPENDR0    (GICR_SGI + 0x280)
#define GICR_ISACTIVER0  (GICR_SGI + 0x300)
#define GICR_IPRIORITYR  (GICR_SGI + 0x400)

struct gic {
	int version;            /* 2 or 3, 0 before gic_init */
	uintptr_t dist;
	uintptr_t cpu_if;       /* GICv2 CPU interface */
	uintptr_t redist;       /* GICv3 first redistributor region */
	uintptr_t rd[8];        /* GICv3: each logical CPU's RD frame */
};
extern struct gic gic;

/* Finds the GIC in the DTB and enables the distributor (call once, on CPU 0). Returns 0 or -1. */
int gic_init(void);
/* Per CPU: wakes its redistributor (v3), unmasks all priorities, enables its CPU interface and SGIs. */
void gic_cpu_init(void);

/* Acknowledge (IAR; GICv2 keeps the source CPU in bits 12:10) and end (EOIR) an interrupt. */
uint32_t gic_read_iar(void);
static inline uint32_t gic_iar_irqnr(uint32_t iar) { return iar & 0x3ff; }
void gic_write_eoir(uint32_t iar);
uint32_t gic_read_rpr(void);      /* running priority (0xff when idle) */
void gic_set_pmr(uint32_t pmr);

/* Sends SGI intid to one logical CPU, or to every CPU whose bit is set in mask. */
void gic_send_sgi(int cpu, unsigned int intid);
void gic_send_sgi_mask(uint32_t cpumask, unsigned int intid);

/* Per-INTID state; for SGIs and PPIs these act on the calling CPU's copy. */
void gic_enable_irq(unsigned int intid);
void gic_disable_irq(unsigned int intid);
void gic_set_priority(unsigned int intid, uint8_t prio);
bool gic_irq_pending(unsigned int intid);
bool gic_irq_active(unsigned int intid);
void gic_clear_pending(unsigned int intid);

/*
 * IRQ dispatch: the first call installs the EL1h IRQ vector handler, which
 * acknowledges the interrupt, calls the handler registered for its INTID with
 * the IAR value (and the interrupted context), then writes EOIR. A handler may
 * unmask IRQs to let higher-priority interrupts preempt it. Spurious
 * acknowledges (1023) are counted in gic_spurious[cpu] and otherwise ignored;
 * an interrupt without a handler aborts the test.
 */
typedef void (*irq_fn)(struct ex_regs *regs, uint32_t iar);
void install_irq_handler(unsigned int intid, irq_fn fn);
extern volatile uint32_t gic_spurious[8];

#endif
