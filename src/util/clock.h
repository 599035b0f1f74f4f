/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OSVIF_CLOCK_H
#define OSVIF_CLOCK_H

#include <stdint.h>
#include <time.h>

/*
 * Milliseconds on CLOCK_MONOTONIC, for deadlines (locks, OVSDB waits): unlike the wall clock
 * it never jumps. int64_t, so that a deadline cannot overflow where long is 32 bits.
 */
static inline int64_t osvif_now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#endif
