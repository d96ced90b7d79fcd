"""Random SIMD&FP data-processing words, biased to the encoding groups: python3 gen.py COUNT SEED [GROUP...]."""
import random, sys

GROUPS = {
    # name: (mask of fixed bits, value)
    'copy': (0x9fe08400, 0x0e000400),
    'modimm': (0x9ff80400, 0x0f000400),
    'shift': (0x9f800400, 0x0f000400),
    'same': (0x9f200400, 0x0e200400),
    'diff': (0x9f200c00, 0x0e200000),
    'misc': (0x9f3e0c00, 0x0e200800),
    'across': (0x9f3e0c00, 0x0e300800),
    'indexed': (0x9f000400, 0x0f000000),
    'permute': (0xbf208c00, 0x0e000800),
    'ext': (0xbfe08400, 0x2e000000),
    'tbl': (0xbfe08c00, 0x0e000000),
    'scopy': (0xdfe08400, 0x5e000400),
    'ssame': (0xdf200400, 0x5e200400),
    'smisc': (0xdf3e0c00, 0x5e200800),
    'spair': (0xdf3e0c00, 0x5e300800),
    'sshift': (0xdf800400, 0x5f000400),
    'sindexed': (0xdf000400, 0x5f000000),
    'sdiff': (0xdf200c00, 0x5e200000),
    'fint': (0x7fa0fc00, 0x1e200000),
    'ffixed': (0x7fa00000, 0x1e000000),
    'f1': (0xffa07c00, 0x1e204000),
    'fcmp': (0xffa03c00, 0x1e202000),
    'fimm': (0xffa01c00, 0x1e201000),
    'fccmp': (0xffa00c00, 0x1e200400),
    'f2': (0xffa00c00, 0x1e200800),
    'fcsel': (0xffa00c00, 0x1e200c00),
    'f3': (0xffa00000, 0x1f000000),
    'aes': (0xffffcc00, 0x4e284800),
    'sha2': (0xfffecc00, 0x5e280800),
    'sha3': (0xffe08c00, 0x5e000000),
    'pmull': (0xbfe0fc00, 0x0ee0e000),
}

count = int(sys.argv[1])
random.seed(int(sys.argv[2]))
names = sys.argv[3:] or sorted(GROUPS)
for i in range(count):
    mask, value = GROUPS[random.choice(names)]
    word = (random.getrandbits(32) & ~mask) | value
    print(f"{word:08x};{i}")
