.data
.global g_in, g_out, g_ctl
.balign 16
g_in: .skip 768
g_out: .skip 768
// fpcr in, nzcv in, fpsr out, nzcv out
g_ctl: .skip 32
.section rwxcode,"awx",@progbits
.global run_case, patch
.balign 16
run_case:
  stp x29, x30, [sp, #-160]!
  stp x19, x20, [sp, #16]
  stp x21, x22, [sp, #32]
  stp x23, x24, [sp, #48]
  stp x25, x26, [sp, #64]
  stp x27, x28, [sp, #80]
  stp d8, d9, [sp, #96]
  stp d10, d11, [sp, #112]
  stp d12, d13, [sp, #128]
  stp d14, d15, [sp, #144]
  adrp x30, g_ctl
  add x30, x30, :lo12:g_ctl
  ldp x0, x1, [x30]
  msr fpcr, x0
  msr nzcv, x1
  ldr x0, [x30, #16]
  msr fpsr, x0
  adrp x30, g_in
  add x30, x30, :lo12:g_in
  add x29, x30, #256
  ldp q0, q1, [x29, #0]
  ldp q2, q3, [x29, #32]
  ldp q4, q5, [x29, #64]
  ldp q6, q7, [x29, #96]
  ldp q8, q9, [x29, #128]
  ldp q10, q11, [x29, #160]
  ldp q12, q13, [x29, #192]
  ldp q14, q15, [x29, #224]
  ldp q16, q17, [x29, #256]
  ldp q18, q19, [x29, #288]
  ldp q20, q21, [x29, #320]
  ldp q22, q23, [x29, #352]
  ldp q24, q25, [x29, #384]
  ldp q26, q27, [x29, #416]
  ldp q28, q29, [x29, #448]
  ldp q30, q31, [x29, #480]
  ldp x0, x1, [x30, #0]
  ldp x2, x3, [x30, #16]
  ldp x4, x5, [x30, #32]
  ldp x6, x7, [x30, #48]
  ldp x8, x9, [x30, #64]
  ldp x10, x11, [x30, #80]
  ldp x12, x13, [x30, #96]
  ldp x14, x15, [x30, #112]
  ldp x16, x17, [x30, #128]
  ldp x18, x19, [x30, #144]
  ldp x20, x21, [x30, #160]
  ldp x22, x23, [x30, #176]
  ldp x24, x25, [x30, #192]
  ldp x26, x27, [x30, #208]
  ldp x28, x29, [x30, #224]
  ldr x30, [x30, #240]
patch: .inst 0xd503201f
  stp x0, x1, [sp, #-16]!
  adrp x0, g_ctl
  add x0, x0, :lo12:g_ctl
  mrs x1, fpsr
  str x1, [x0, #16]
  mrs x1, nzcv
  str x1, [x0, #24]
  mov x1, #0
  msr fpcr, x1
  adrp x0, g_out
  add x0, x0, :lo12:g_out
  stp x2, x3, [x0, #16]
  stp x4, x5, [x0, #32]
  stp x6, x7, [x0, #48]
  stp x8, x9, [x0, #64]
  stp x10, x11, [x0, #80]
  stp x12, x13, [x0, #96]
  stp x14, x15, [x0, #112]
  stp x16, x17, [x0, #128]
  stp x18, x19, [x0, #144]
  stp x20, x21, [x0, #160]
  stp x22, x23, [x0, #176]
  stp x24, x25, [x0, #192]
  stp x26, x27, [x0, #208]
  stp x28, x29, [x0, #224]
  str x30, [x0, #240]
  ldp x2, x3, [sp], #16
  stp x2, x3, [x0]
  add x1, x0, #256
  stp q0, q1, [x1, #0]
  stp q2, q3, [x1, #32]
  stp q4, q5, [x1, #64]
  stp q6, q7, [x1, #96]
  stp q8, q9, [x1, #128]
  stp q10, q11, [x1, #160]
  stp q12, q13, [x1, #192]
  stp q14, q15, [x1, #224]
  stp q16, q17, [x1, #256]
  stp q18, q19, [x1, #288]
  stp q20, q21, [x1, #320]
  stp q22, q23, [x1, #352]
  stp q24, q25, [x1, #384]
  stp q26, q27, [x1, #416]
  stp q28, q29, [x1, #448]
  stp q30, q31, [x1, #480]
  ldp x19, x20, [sp, #16]
  ldp x21, x22, [sp, #32]
  ldp x23, x24, [sp, #48]
  ldp x25, x26, [sp, #64]
  ldp x27, x28, [sp, #80]
  ldp d8, d9, [sp, #96]
  ldp d10, d11, [sp, #112]
  ldp d12, d13, [sp, #128]
  ldp d14, d15, [sp, #144]
  ldp x29, x30, [sp], #160
  ret
