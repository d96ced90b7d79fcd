/*
 * Bare-metal probe of QEMU's virt GIC registers: prints reset values and what writes stick, which the
 * GIC model's tests use as expected values. Build and run with ./run.sh (needs aarch64-linux-gnu-gcc and
 * qemu-system-aarch64). Not part of the build.
 */
#include <stdint.h>
#define R32(a) (*(volatile uint32_t*)(uintptr_t)(a))
#define R64(a) (*(volatile uint64_t*)(uintptr_t)(a))
static void putc_(char c){ R32(0x09000000)=c; }
static void puts_(const char*s){ while(*s) putc_(*s++); }
static void hex(uint64_t v){ puts_("0x"); for(int i=60;i>=0;i-=4) putc_("0123456789abcdef"[(v>>i)&15]); }
static void p(const char*n, uint64_t v){ puts_(n); puts_(" = "); hex(v); puts_("\n"); }
#define SR(name) ({ uint64_t _v; asm volatile("mrs %0, " name : "=r"(_v)); _v; })
#define SW(name,v) asm volatile("msr " name ", %0" :: "r"((uint64_t)(v)))
static void more(int v){
  uint64_t D=0x08000000;
  
  if(v==2){
    uint64_t C=0x08010000;
    R32(D+0x180)=0xffffffff; p("ISENABLER0 after ICENABLER0=ff",R32(D+0x100));
    p("ISENABLER1",R32(D+0x104));
    R32(D+0x100)=0xffffffff; p("ISENABLER0 after ISENABLER0=ff",R32(D+0x100));
    R32(D+0x200)=0xffff; p("ISPENDR0 after ISPENDR0=ffff",R32(D+0x200)); R32(D+0x280)=0xffffffff;p("ISPENDR0 after clr",R32(D+0x200));
    p("ICFGR0 RO?", (R32(D+0xc00)=0, R32(D+0xc00)));
    p("PRIO byte read 0x401",*(volatile uint8_t*)(D+0x401));
    p("GICD 0xffc (outside)",R32(D+0x1000-4)); 
    p("GICC 0x1000 DIR read",R32(C+0x1000));
    p("GICC_APR1",R32(C+0xd4)); p("GICC_NSAPR0",R32(C+0xe0));
    R32(C+8)=7; p("GICC_BPR after 7",R32(C+8)); R32(C+0x1c)=7; p("GICC_ABPR after 7",R32(C+0x1c));
    p("GICC_AHPPIR",R32(C+0x28));
  } else {
    uint64_t RD=0x080a0000, SGI=RD+0x10000;
    p("GICR_TYPER0",R64(RD+8)); p("GICR_TYPER1",R64(RD+0x20000+8)); p("GICR_CTLR",R32(RD));
    p("GICR_ISENABLER0",R32(SGI+0x100)); p("GICD_ISENABLER0 (RAZ w/ ARE)",R32(D+0x100));
    p("GICD_IPRIORITYR8",R32(D+0x420)); R32(D+0x420)=0xffffffff; p("GICD_IPRIORITYR8 after ff",R32(D+0x420));
    p("GICD_ITARGETSR8",R32(D+0x820));
    p("GICD_IGROUPR1",R32(D+0x84)); R32(D+0x84)=0xffffffff; p("GICD_IGROUPR1 after ff",R32(D+0x84));
    p("GICR_ICFGR0 after 0", (R32(SGI+0xc00)=0, R32(SGI+0xc00)));
    p("GICD_IROUTER last (255)",R64(D+0x6000+8*255)); p("GICD_IROUTER 256",R64(D+0x6000+8*256));
    p("GICR_PROPBASER",R64(RD+0x70)); p("GICR_STATUSR",R32(RD+0x10));
    p("GICD_STATUSR",R32(D+0x10)); p("GICD_SGIR",R32(D+0xf00));
  }
  }
static void ids(uint64_t base, int off){ for(int i=off;i<off+0x30;i+=4){ puts_("ID "); hex(base+i); p("",R32(base+i)); } }
void main(int v){
  uint64_t D=0x08000000;
  p("GICD_CTLR",R32(D)); p("GICD_TYPER",R32(D+4)); p("GICD_IIDR",R32(D+8));
  p("GICD_IGROUPR0",R32(D+0x80)); p("GICD_ISENABLER0",R32(D+0x100));
  p("GICD_ICFGR0",R32(D+0xc00)); p("GICD_ICFGR1",R32(D+0xc04)); p("GICD_ICFGR2",R32(D+0xc08));
  p("GICD_IPRIORITYR0",R32(D+0x400)); 
  for(int i=0xfd0;i<0x1000;i+=4){ puts_("GICD_ID "); hex(i); p("",R32(D+i)); }
  if(v==2){
    uint64_t C=0x08010000;
    p("GICD_ITARGETSR0",R32(D+0x800)); p("GICD_ITARGETSR7",R32(D+0x81c)); p("GICD_ITARGETSR8",R32(D+0x820));
    R32(D+0x820)=0xffffffff; p("GICD_ITARGETSR8 after ff",R32(D+0x820));
    R32(D+0xc08)=0xffffffff; p("GICD_ICFGR2 after ff",R32(D+0xc08));
    R32(D+0xc04)=0xffffffff; p("GICD_ICFGR1 after ff",R32(D+0xc04));
    R32(D+0x80)=0xffffffff; p("GICD_IGROUPR0 after ff",R32(D+0x80)); R32(D+0x80)=0;
    R32(D+0x400)=0xffffffff; p("GICD_IPRIORITYR0 after ff",R32(D+0x400));
    p("GICC_CTLR",R32(C)); p("GICC_PMR",R32(C+4)); p("GICC_BPR",R32(C+8)); p("GICC_ABPR",R32(C+0x1c));
    p("GICC_IIDR",R32(C+0xfc)); p("GICC_IAR",R32(C+0xc)); p("GICC_HPPIR",R32(C+0x18)); p("GICC_RPR",R32(C+0x14));
    R32(C+4)=0xff; p("GICC_PMR after ff",R32(C+4));
    R32(C+8)=0; p("GICC_BPR after 0",R32(C+8)); R32(C+0x1c)=0; p("GICC_ABPR after 0",R32(C+0x1c));
    R32(C)=0xffffffff; p("GICC_CTLR after ff",R32(C)); R32(C)=0;
    R32(D)=0xffffffff; p("GICD_CTLR after ff",R32(D));
    /* SGI self test */
    R32(D)=1; R32(C)=1; R32(D+0x100)=0xffff;
    R32(D+0xf00)=(2u<<24)|5; p("GICD_ISPENDR0 after SGI5 self",R32(D+0x200)); p("GICD_SPENDSGIR4",R32(D+0xf14));
    p("GICC_HPPIR",R32(C+0x18)); uint32_t iar=R32(C+0xc); p("GICC_IAR",iar); p("GICC_RPR",R32(C+0x14));
    p("GICD_ISACTIVER0",R32(D+0x300)); p("GICC_APR0",R32(C+0xd0));
    R32(C+0x10)=iar; p("GICC_RPR after EOI",R32(C+0x14)); p("GICC_APR0",R32(C+0xd0));
    p("GICC_AIAR",R32(C+0x20));
  } else {
    uint64_t RD=0x080a0000, SGI=RD+0x10000;
    p("GICD_PIDR2",R32(D+0xffe8)); p("GICD_IROUTER32",R64(D+0x6100)); p("GICD_TYPER2",R32(D+0xc));
    for(int c=0;c<3;c++){ uint64_t r=RD+c*0x20000; p("GICR_TYPER",R64(r+8)); }
    p("GICR_CTLR",R32(RD)); p("GICR_IIDR",R32(RD+4)); p("GICR_WAKER",R32(RD+0x14)); p("GICR_PIDR2",R32(RD+0xffe8));
    p("GICR_IGROUPR0",R32(SGI+0x80)); p("GICR_ICFGR0",R32(SGI+0xc00)); p("GICR_ICFGR1",R32(SGI+0xc04));
    R32(SGI+0xc04)=0xffffffff; p("GICR_ICFGR1 after ff",R32(SGI+0xc04));
    R32(RD+0x14)=0; p("GICR_WAKER after 0",R32(RD+0x14)); R32(RD+0x14)=2; p("GICR_WAKER after 2",R32(RD+0x14));R32(RD+0x14)=0;
    R32(D)=0xffffffff; p("GICD_CTLR after ff",R32(D));
    R64(D+0x6100)=0xffffffffffffffffull; p("GICD_IROUTER32 after ff",R64(D+0x6100));
    p("ICC_SRE_EL1",SR("S3_0_C12_C12_5")); p("ICC_CTLR_EL1",SR("S3_0_C12_C12_4"));
    p("ICC_PMR_EL1",SR("S3_0_C4_C6_0")); p("ICC_BPR0_EL1",SR("S3_0_C12_C8_3")); p("ICC_BPR1_EL1",SR("S3_0_C12_C12_3"));
    p("ICC_IGRPEN1_EL1",SR("S3_0_C12_C12_7")); p("ICC_IGRPEN0_EL1",SR("S3_0_C12_C12_6"));
    SW("S3_0_C4_C6_0",0xff); p("ICC_PMR after ff",SR("S3_0_C4_C6_0"));
    SW("S3_0_C12_C12_3",0); p("ICC_BPR1 after 0",SR("S3_0_C12_C12_3"));
    SW("S3_0_C12_C8_3",0); p("ICC_BPR0 after 0",SR("S3_0_C12_C8_3"));
    SW("S3_0_C12_C12_4",0xffffffff); p("ICC_CTLR after ff",SR("S3_0_C12_C12_4")); SW("S3_0_C12_C12_4",0);
    SW("S3_0_C12_C12_5",0); p("ICC_SRE after 0",SR("S3_0_C12_C12_5"));
    p("ICC_IAR1",SR("S3_0_C12_C12_0")); p("ICC_IAR0",SR("S3_0_C12_C8_0")); p("ICC_RPR",SR("S3_0_C12_C11_3"));
    p("ICC_HPPIR1",SR("S3_0_C12_C12_2"));
    /* SGI self test */
    R32(D)=0x12; R32(SGI+0x80)=0xffffffff; R32(SGI+0x100)=0xffff; SW("S3_0_C12_C12_7",1);
    SW("S3_0_C12_C11_5",(5ull<<24)|1); /* SGI1R: INTID5, target list cpu0 */
    p("GICR_ISPENDR0",R32(SGI+0x200)); p("ICC_HPPIR1",SR("S3_0_C12_C12_2"));
    uint64_t iar=SR("S3_0_C12_C12_0"); p("ICC_IAR1",iar); p("ICC_RPR",SR("S3_0_C12_C11_3")); p("ICC_AP1R0",SR("S3_0_C12_C9_0"));
    SW("S3_0_C12_C12_1",iar); p("ICC_RPR after eoi",SR("S3_0_C12_C11_3"));
  }
    more(v);
  if(v==3){ ids(0x08000000,0xffd0); ids(0x080a0000,0xffd0); }
  puts_("DONE\n");
  for(;;) asm volatile("wfi");
}
