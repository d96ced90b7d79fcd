/* System register access, barriers and small CPU helpers. */
#ifndef GUEST_SYSREG_H
#define GUEST_SYSREG_H

#include <stdint.h>

#define read_sysreg(name) ({ \
	uint64_t _v; \
	__asm__ volatile("mrs %0, " #name : "=r"(_v)); \
	_v; })

#define write_sysreg(name, v) \
	__asm__ volatile("msr " #name ", %0" : : "r"((uint64_t)(v)) : "memory")

#define isb()      __asm__ volatile("isb" : : : "memory")
#define dsb(opt)   __asm__ volatile("dsb " #opt : : : "memory")
#define dmb(opt)   __asm__ volatile("dmb " #opt : : : "memory")
#define wfi()      __asm__ volatile("wfi" : : : "memory")
#define cpu_relax() __asm__ volatile("yield" : : : "memory")

/* Exception level the CPU runs at now (1 after the runtime's entry code). */
static inline unsigned int current_el(void)
{
	return (unsigned int)(read_sysreg(CurrentEL) >> 2) & 3;
}

static inline void local_irq_enable(void)  { __asm__ volatile("msr daifclr, #2" : : : "memory"); }
static inline void local_irq_disable(void) { __asm__ volatile("msr daifset, #2" : : : "memory"); }

/* MMIO accessors: volatile, exact access size, no reordering by the compiler. */
static inline void writeb(uint8_t v, uintptr_t a)  { *(volatile uint8_t *)a = v; }
static inline void writew(uint16_t v, uintptr_t a) { *(volatile uint16_t *)a = v; }
static inline void writel(uint32_t v, uintptr_t a) { *(volatile uint32_t *)a = v; }
static inline void writeq(uint64_t v, uintptr_t a) { *(volatile uint64_t *)a = v; }
static inline uint8_t  readb(uintptr_t a) { return *(volatile uint8_t *)a; }
static inline uint16_t readw(uintptr_t a) { return *(volatile uint16_t *)a; }
static inline uint32_t readl(uintptr_t a) { return *(volatile uint32_t *)a; }
static inline uint64_t readq(uintptr_t a) { return *(volatile uint64_t *)a; }

#endif
