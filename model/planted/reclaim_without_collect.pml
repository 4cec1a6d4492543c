/* Planted (must fail): adopt() does not collect the remote frees the page received while its
 * segment was abandoned. The new owner then keeps a page whose blocks came back as if they were
 * live: adopt's assertion (every remote free made before the adoption is taken) fails. */
#define PLANTED_RECLAIM_WITHOUT_COLLECT
#include "../thread_free.pml"
