/* Planted (must fail): the notifier raises its heap's hint before it sets the page's bit in
 * the segment's unfull_mask. The owner can take the hint, find no bit and go on; the bit set
 * after finds no hint to announce it, so the page stays full with a pending free (non-progress
 * cycle). */
#define PLANTED_HINT_BEFORE_MASK
#include "../thread_free.pml"
