// A cache prefetch hint, which Swift cannot express. Wrapped by Node's `CacheHint` (the only
// Swift importing it): the event kernel and the simulation ask for the next events' data
// while the current event runs. A hint only: it never faults and changes no result.
static inline void regsim_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}
