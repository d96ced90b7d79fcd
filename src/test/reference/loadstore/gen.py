import random, sys
random.seed(int(sys.argv[2]) if len(sys.argv) > 2 else 7)
N=int(sys.argv[1])
def R(lo,hi): return random.randint(lo,hi)
def reg(): return R(0,30)
def rt(): return R(0,31)
cases=[]
def base_over(rn, align=16, span=256):
    off = 2048 + R(-span//align, span//align)*align
    return f"x{rn}=b+{off}"
def gpr_uoff():
    while True:
        size=R(0,3); opc=R(0,3)
        if opc<2 or (opc==2 and size<=3) or (opc==3 and size<2): break
    rn=reg(); t=rt()
    w=(size<<30)|(0b111001<<24)|(opc<<22)|(R(0,63)<<10)|(rn<<5)|t
    return w,[base_over(rn,8)]
def gpr_imm9():
    while True:
        size=R(0,3); opc=R(0,3); mode=R(0,3)
        if size==3 and opc==2: 
            if mode==0: break
            continue
        if opc<2 or (opc==2 and size<3) or (opc==3 and size<2): break
    rn=reg(); t=rt(); imm=R(-256,255)&0x1ff
    w=(size<<30)|(0b111000<<24)|(opc<<22)|(imm<<12)|(mode<<10)|(rn<<5)|t
    return w,[base_over(rn,1)]
def regoff(vector):
    while True:
        size=R(0,3); opc=R(0,3)
        if vector:
            if ((opc&2)<<1|size)<=4: break
        elif opc<2 or (opc==2) or (opc==3 and size<2): break
    option=random.choice([2,3,6,7]); s=R(0,1)
    rn=reg(); rm=reg()
    while rm==rn: rm=reg()
    t=rt()
    small=R(-16,16)
    if option==2: mval=(random.getrandbits(32)<<32)|R(0,32)
    elif option==6: mval=(random.getrandbits(32)<<32)|(small&0xffffffff)
    else: mval=small&0xffffffffffffffff
    w=(size<<30)|(0b111<<27)|((1 if vector else 0)<<26)|(opc<<22)|(1<<21)|(rm<<16)|(option<<13)|(s<<12)|(0b10<<10)|(rn<<5)|t
    return w,[base_over(rn,16),f"x{rm}=0x{mval:x}"]
def pair(vector):
    while True:
        opc=R(0,3); mode=R(0,3); L=R(0,1)
        if vector:
            if opc<3: break
        else:
            if opc==0 or opc==2 or (opc==1 and L==1 and mode!=0): break
    rn=reg(); t=rt(); t2=rt(); imm=R(-32,31)&0x7f
    w=(opc<<30)|(0b101<<27)|((1 if vector else 0)<<26)|(mode<<23)|(L<<22)|(imm<<15)|(t2<<10)|(rn<<5)|t
    return w,[base_over(rn,16)]
def fp_imm():
    while True:
        size=R(0,3); opc=R(0,3)
        if ((opc&2)<<1|size)<=4: break
    rn=reg(); t=rt()
    if R(0,1):
        w=(size<<30)|(0b111101<<24)|(opc<<22)|(R(0,31)<<10)|(rn<<5)|t
    else:
        mode=random.choice([0,1,3]); imm=R(-256,255)&0x1ff
        w=(size<<30)|(0b111100<<24)|(opc<<22)|(imm<<12)|(mode<<10)|(rn<<5)|t
    return w,[base_over(rn,1)]
def ordered():
    size=R(0,3); rn=reg(); t=rt()
    k=R(0,2)
    if k==0: w=(size<<30)|0x08dffc00|(rn<<5)|t  # ldar
    elif k==1: w=(size<<30)|0x089ffc00|(rn<<5)|t  # stlr
    else: w=(size<<30)|0x38bfc000|(rn<<5)|t  # ldapr
    return w,[base_over(rn,16)]
def lse():
    size=R(0,3); rn=reg(); t=rt(); rs=rt(); A=R(0,1); Rb=R(0,1)
    k=R(0,9)
    if k<8: w=(size<<30)|0x38200000|(A<<23)|(Rb<<22)|(rs<<16)|(k<<12)|(rn<<5)|t
    elif k==8: w=(size<<30)|0x38208000|(A<<23)|(Rb<<22)|(rs<<16)|(rn<<5)|t
    else: w=(size<<30)|0x08a07c00|(A<<22)|(Rb<<15)|(rs<<16)|(rn<<5)|t
    over=[base_over(rn,16)]
    # make CAS succeed sometimes: compare value equal to memory is random anyway
    return w,over
def casp():
    sz=R(0,1); rn=reg(); rs=R(0,15)*2; t=R(0,15)*2; A=R(0,1); Rb=R(0,1)
    w=(sz<<30)|0x08207c00|(A<<22)|(Rb<<15)|(rs<<16)|(rn<<5)|t
    return w,[base_over(rn,16)]
def simd_struct():
    while True:
        q=R(0,1); L=R(0,1); post=R(0,1); rn=reg(); t=rt()
        rm = random.choice([31, reg()]) if post else 0
        if R(0,1):
            opcode=random.choice([0,2,4,6,7,8,10]); size=R(0,3)
            if size==3 and q==0 and opcode in (0,4,8): continue
            w=(q<<30)|0x0c000000|(post<<23)|(L<<22)|(rm<<16)|(opcode<<12)|(size<<10)|(rn<<5)|t
        else:
            Rb=R(0,1); opcode=R(0,7); S=R(0,1); size=R(0,3)
            scale=opcode>>1
            if scale==3 and (L==0 or S==1): continue
            if scale==1 and size&1: continue
            if scale==2 and (size&2 or (size==1 and S)): continue
            w=(q<<30)|0x0d000000|(post<<23)|(L<<22)|(Rb<<21)|(rm<<16)|(opcode<<13)|(S<<12)|(size<<10)|(rn<<5)|t
        over=[base_over(rn,16)]
        if post and rm!=31:
            if rm==rn: continue
            over.append(f"x{rm}=0x{(R(-64,64))&0xffffffffffffffff:x}")
        return w,over
gens=[(gpr_uoff,3),(gpr_imm9,3),(lambda: regoff(False),2),(lambda: regoff(True),1),(lambda: pair(False),3),(lambda: pair(True),2),(fp_imm,2),(ordered,1),(lse,2),(casp,1),(simd_struct,2)]
pool=[g for g,wt in gens for _ in range(wt)]
def data_regs(w):
    """Registers whose values an instruction may store or combine with memory (Rt, Rt2, Rs)."""
    return {w & 31, (w >> 10) & 31, (w >> 16) & 31, ((w & 31) + 1) & 31, (((w >> 16) & 31) + 1) & 31}
i = 0
while i < N:
    w,over=random.choice(pool)()
    addr_regs={int(o[1:o.index('=')]) for o in over}
    # A data register holding an address would make the result depend on where the buffer is.
    if data_regs(w) & addr_regs:
        continue
    print(f"{w:08x};{i};{','.join(over)}")
    i += 1
