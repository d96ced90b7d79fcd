/*
 * kvm-unit-tests result protocol. Every line goes to the console:
 *   PASS: <prefixes><name>      FAIL: ...      SKIP: ...      INFO: ...
 * Prefixes pushed with report_prefix_push("x") appear as "x: ".
 * report_summary() prints "SUMMARY: N tests[, F unexpected failures][, S skipped]"
 * and returns the exit code: 0 all passed, 1 any failure, 38 everything skipped
 * (QEMU then exits with 77, autotools' "skipped").
 */
#ifndef GUEST_REPORT_H
#define GUEST_REPORT_H

#include <stdbool.h>

void report(bool pass, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void report_pass(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void report_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void report_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void report_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void report_prefix_push(const char *prefix);
void report_prefix_pushf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void report_prefix_pop(void);
int report_summary(void);
/* Prints "ABORT: <prefixes>msg" and the summary, then exits with 63. */
void report_abort(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#define EXIT_CODE_PASS    0
#define EXIT_CODE_FAIL    1
#define EXIT_CODE_SKIPPED 38   /* 77 >> 1 */
#define EXIT_CODE_ABORT   63

#endif
