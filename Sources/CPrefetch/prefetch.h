// A cache prefetch hint, which Swift cannot express: the event kernel and the simulation ask
// for the next events' data while the current event runs, so a simulation of thousands of
// nodes waits on memory less. A hint only: it never faults and changes no result.
static inline void regsim_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}
