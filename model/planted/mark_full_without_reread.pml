/* Planted (must fail): the owner sets TF_FULL (fetch_or) on the strength of its earlier look at
 * thread_free instead of a CAS on the word it re-read. A push between the look and the store
 * sees no TF_FULL, so no one tells the owner, and the page stays full with a pending free
 * (non-progress cycle). */
#define PLANTED_MARK_FULL_WITHOUT_REREAD
#include "../thread_free.pml"
