/* Planted (must fail): the freer reads the full state with a load of its own before its push CAS
 * instead of in it. The owner can mark the page full between the two: the freer pushes onto a
 * full page without telling anyone, and the owner never looks at it again (non-progress cycle). */
#define PLANTED_FREER_READS_FULL_BEFORE_PUSH
#include "../thread_free.pml"
