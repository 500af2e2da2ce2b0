/* clock.h: the daemon's two clocks, one helper each, so that no module
 * keeps its own copy. The monotonic clock is for deadlines, timeouts and
 * rates (it never jumps with NTP or a hand-set date); the wall clock only
 * for what is recorded or shown. Any thread. */
#ifndef CLOCK_H
#define CLOCK_H
#include <stdint.h>

/* CLOCK_MONOTONIC in milliseconds. */
uint64_t clock_mono_ms(void);
/* CLOCK_REALTIME in milliseconds since the epoch. */
int64_t clock_wall_ms(void);
/* CLOCK_REALTIME in seconds since the epoch. */
int64_t clock_wall_s(void);
#endif
