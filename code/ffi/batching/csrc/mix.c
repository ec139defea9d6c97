/* The work on each item: SplitMix64's finalizer, a few nanoseconds. */
#include <stddef.h>
#include <stdint.h>

static uint64_t mix(uint64_t z) {
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* One item per call. */
uint64_t mix_one(uint64_t x) {
    return mix(x);
}

/* A batch per call: the sum (mod 2^64) of the mixed items. */
uint64_t mix_sum(const uint64_t *xs, size_t n) {
    uint64_t sum = 0;
    for (size_t i = 0; i < n; i++) {
        sum += mix(xs[i]);
    }
    return sum;
}
