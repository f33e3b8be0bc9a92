#ifndef PLIMSOLL_PREFETCH_H
#define PLIMSOLL_PREFETCH_H

// A hint to the CPU: bring the cache line holding `address` in now, for writing, because it will
// be read and written soon. Swift has no prefetch of its own. Never faults, even for an address
// that is not mapped, and changes nothing a program can observe but time.
static inline void plimsoll_prefetch(const void *address) {
    __builtin_prefetch(address, 1, 3);
}

#endif
