/*
 * A Promela model of hardalloc's cross-thread protocols on one page (src/mem/page.h,
 * src/alloc/heap.h; Allocator::free_generic leads to HeapOps::release_block): the cross-thread free, the
 * full-page protocol on the one word `thread_free` (TF_FULL, TF_NOTIFYING, then the page's bit in
 * Segment::unfull_mask and the heap's unfull_hint),
 * thread exit (abandon) and reclaim (reclaim_one, try_reclaim_on_free, adopt).
 * Inline names are the C++ functions they mirror; model/check.py runs Spin on it.
 *
 * Threads (a thread's id is also its heap's id; 0 is nullptr):
 *   1 Owner      owns the page: malloc, its own frees, hands blocks to the freers, then either
 *                exits (thread_exit: collect, abandon) or stays and takes one last slow path;
 *   2, 3 Freer   free the blocks they were handed: remote pushes, notify_owner, and the
 *                reclaim of an abandoned segment on free;
 *   4 Reclaimer  adopts the segment if it was abandoned (reclaim_one).
 * Checked (model/check.py): the assertions below and the monitor (every block is in exactly
 * one place: never on two lists nor handed out twice, never lost), invalid end states (a wait
 * that never ends: deadlock), and non-progress cycles (a heap that looks for the remote frees
 * of its page forever without finding them: the owner would never see a remote free).
 *
 * Spin explores sequentially consistent interleavings. Each shared step names the C++ memory
 * order it uses and the edge it relies on ("relies:"); docs/concurrency.md turns the key pairs
 * into litmus tests. One Promela step = one atomic instruction on a shared word; owner-private
 * work (its lists, `used`, its queues) is folded into the neighbouring step, since no other
 * thread reads it.
 * The one page lives alone in its segment, so freeing the page returns the segment to the
 * pool; with two blocks the whole check takes seconds.
 */

#define NB 2            /* blocks in the page */
#define ALL 3           /* mask of every block */
#define CNT(m) (((m) & 1) + (((m) >> 1) & 1))
#define BIT(m, b) (((m) >> (b)) & 1)
#define OWNER 1
#define RECLAIMER 4
#define MAX_MALLOCS 3   /* enough to fill the page, have a block freed remotely and look again */

/* Page fields. free_m, local_m, used, in_full: owner only (Page::free, local_free, used,
 * PAGE_IN_FULL, i.e. the page is in its heap's full queue rather than its class queue). */
byte free_m = ALL;
byte local_m;
byte used;
bit in_full;
bit in_use = 1;
/* Page::thread_free, one atomic word: the remote-free stack and its two protocol bits. */
byte tf_m;
bit tf_full;
bit tf_notifying;
byte page_heap = OWNER;  /* Page::heap */
byte seg_owner = OWNER;  /* Segment::owner */
bit abandoned;           /* on the abandoned list (abandoned_lock_) */
bit page_freed;          /* page_free ran: the segment is back in the pool, maybe unmapped */
bit hint[5];             /* Heap::unfull_hint */
bit umask;               /* the page's bit in Segment::unfull_mask */
byte held[5];            /* blocks each thread holds: handed out and not freed */

/* Program state (the test program, not the allocator). */
byte mallocs;      /* the owner's allocations so far, at most MAX_MALLOCS */
bit giving_done;   /* the owner hands out no more blocks */
bit owner_done;    /* the owner exited or took its last slow path */
byte freers_done;

/* Every block is in exactly one place, at every state between steps. */
#define PLACES(b) (BIT(free_m, b) + BIT(local_m, b) + BIT(tf_m, b) + \
                   BIT(held[1], b) + BIT(held[2], b) + BIT(held[3], b) + BIT(held[4], b))
#define ONE_PLACE_EACH (PLACES(0) == 1 && PLACES(1) == 1)
/* Page.h's counting invariant: capacity == used + |free| + |local_free|, |thread_free| <= used. */
#define COUNTS_AGREE (page_freed || (used + CNT(free_m) + CNT(local_m) == NB && CNT(tf_m) <= used))

active proctype monitor() {
end:
  atomic { !(ONE_PLACE_EACH && COUNTS_AGREE) -> assert(ONE_PLACE_EACH && COUNTS_AGREE) }
}

/* The temporaries of the inlines below: Promela declares an inline's variables in the
 * process that uses it, so every process declares them all once. */
#define SCRATCH bit tm; byte b; byte ml; bit mf; bit mn; bit retry; bit marked; bit pending; bit took; \
                bit won; byte ow; byte nh; byte pending_at_adopt; byte pl; bit pf; bit pn; bit done
/* Cleared after each operation, so that stale temporaries do not multiply the states. */
#define CLEAR_SCRATCH d_step { tm = 0; b = 0; ml = 0; mf = 0; mn = 0; retry = 0; marked = 0; pending = 0; took = 0; \
                              won = 0; ow = 0; nh = 0; pending_at_adopt = 0; pl = 0; pf = 0; pn = 0; done = 0 }

/* The lowest block of mask m. */
#define LOWEST(m) ((m) & 1 -> 1 : 2)

/* ---- the owner's side of the page (page.h) ---- */

/* Page::wait_notified. acquire load, relies: pairs with end_notify's release, so the notifier's
 * read of page_heap happens before the owner changes it or frees the page. */
inline wait_notified() {
  (tf_notifying == 0)
}

/* Page::collect_thread_free. The first test is has_thread_free (relaxed: a hint; a stale empty
 * only delays the collection). Then fetch_and(TF_BITS) acquire, relies: pairs with every
 * pusher's release CAS; all CASes on the word are read-modify-writes, so the one release
 * sequence carries every pusher's link write. The walk and the splice onto local_free are the
 * owner's own. */
inline collect_thread_free() {
  if
  :: tf_m != 0 ->
       atomic { local_m = local_m | tf_m; used = used - CNT(tf_m); tf_m = 0 }
  :: else -> skip
  fi
}

/* Page::refill (every block is carved already: no extend). */
inline refill() {
  collect_thread_free();
  if
  :: local_m != 0 -> atomic { free_m = local_m; local_m = 0 }
  :: else -> skip
  fi
}

/* Page::mark_full into `marked`. The first load is relaxed: a stale value only fails the CAS.
 * The CAS is release, relies: pairs with the acquire of the pusher's CAS that takes TF_FULL, so
 * the notifier sees Page::heap as the owner stored it. It succeeds only on the word it read, so
 * the "no frees pending" decision and the setting of TF_FULL are one point in the word's
 * modification order: a push is either before it (seen, no TF_FULL) or after it (takes TF_FULL).
 * This is the store-load pair of the full-page protocol, ordered by the single word. */
inline mark_full(marked) {
  atomic { ml = tf_m; mf = tf_full; mn = tf_notifying }
  retry = 1;
  do
  :: !retry -> break
  :: retry && ml != 0 -> marked = 0; retry = 0
  :: retry && ml == 0 && mn ->
       wait_notified();  /* an earlier episode's notifier is still telling us */
       atomic { ml = tf_m; mf = tf_full; mn = tf_notifying }
  :: retry && ml == 0 && !mn ->
#ifdef PLANTED_MARK_FULL_WITHOUT_REREAD
       /* Planted: TF_FULL set with fetch_or on the strength of the refill's earlier look. */
       tf_full = 1; marked = 1; retry = 0
#else
       atomic {
         if
         :: tf_m == ml && tf_full == mf && tf_notifying == mn -> tf_full = 1; marked = 1; retry = 0
         :: else -> ml = tf_m; mf = tf_full; mn = tf_notifying  /* CAS failure: the current word */
         fi
       }
#endif
  od
}

/* Page::clear_full: fetch_and relaxed; it only withdraws the request, and a freer that took
 * TF_FULL first is waited out (wait_notified) before anything it reads changes. */
inline clear_full() {
  tf_full = 0
}

/* ---- the heap (heap.h) ---- */

/* HeapOps::page_free: waits out a notifier, then the page (and its segment) may be reused. */
inline page_free() {
  wait_notified();
  atomic { in_use = 0; page_heap = 0; in_full = 0; page_freed = 1 }
}

/* HeapOps::unfull: the page leaves the full queue; relaxed clear_full (see there). */
inline unfull() {
  in_full = 0;
  clear_full()
}

/* HeapOps::move_to_full. */
inline move_to_full(h, pending) {
  mark_full(marked);
  if
  :: marked -> in_full = 1; pending = 0
  :: else -> pending = 1
  fi
}

/* HeapOps::collect_unfull: the hint exchange is acquire, relies: pairs with notify_owner's
 * release store of the hint, which follows its setting of the mask bit. The mask exchange is
 * acquire, relies: pairs with notify_owner's release fetch_or, which follows the notifier's
 * push; the relaxed has_thread_free that follows therefore reads that push or a later value
 * (read coherence after happens-before). The one page is in the one segment of heap h when
 * page_heap == h; the walk over h's segments is folded into the exchange. */
inline collect_unfull(h) {
  atomic { took = hint[h]; hint[h] = 0 }
  if
  :: took && seg_owner == h ->
       atomic { tm = umask; umask = 0 }
       if
       :: tm && in_use && page_heap == h && in_full && tf_m != 0 -> unfull()
       :: else -> skip
       fi
  :: else -> skip
  fi
}

/* HeapOps::find_page restricted to the page's class: the hint first (its first, relaxed load is
 * only a filter: folded into the exchange here), then page_with_free_block. */
inline find_page(h) {
  if
  :: hint[h] -> collect_unfull(h)
  :: else -> skip
  fi;
  if
  :: in_use && page_heap == h && !in_full ->
       if
       :: free_m == 0 -> refill()
       :: else -> skip
       fi;
       if
       :: free_m == 0 ->
            move_to_full(h, pending);
            if
            :: pending -> refill()
            :: else -> skip
            fi
       :: else -> skip
       fi
  :: else -> skip
  fi
}

/* Allocator::malloc for the page's class: the fast path pops `free` while the direct table
 * points at the page (it is in its class queue); otherwise the slow path. A malloc that finds
 * no block here would take a new page, which is outside the model. */
inline malloc_block(h) {
  if
  :: in_use && page_heap == h && !in_full && free_m == 0 -> find_page(h)
  :: else -> skip
  fi;
  if
  :: in_use && page_heap == h && !in_full && free_m != 0 ->
       b = LOWEST(free_m);
       atomic { free_m = free_m & ~b; held[h] = held[h] | b; used++ }
  :: else -> skip
  fi
}

/* HeapOps::page_retire: keeps the only page of its class, frees a page of the full queue. */
inline page_retire() {
  if
  :: in_full -> page_free()
  :: else -> skip
  fi
}

/* The owner's free (Allocator::free's fast path or release_block with owner == h): push_local,
 * then page_retire or unfull. */
inline free_local(h, b) {
  atomic { local_m = local_m | b; held[h] = held[h] & ~b; used-- }
  if
  :: used == 0 -> page_retire()
  :: used != 0 && in_full -> unfull()
  :: else -> skip
  fi
}

/* HeapOps::adopt of the one page: Page::heap and Segment::owner become h, then the remote frees
 * the page received while abandoned are collected and a page with no live block is freed.
 * page_heap: release store, relies: pairs with notify_owner's acquire load, so a notifier that
 * reads h also sees the heap as this thread set it up (heap_init or the pool). */
inline adopt(h) {
  seg_owner = h;  /* relaxed: other threads only compare it with their own heap */
  umask = 0;      /* relaxed: abandon waited out every notifier; the old owner's bit is stale */
  if
  :: in_use ->
       atomic { page_heap = h; pending_at_adopt = tf_m }
#ifndef PLANTED_RECLAIM_WITHOUT_COLLECT
       collect_thread_free();
#endif
       /* The new owner has taken every remote free made while the page had no owner. */
       assert((pending_at_adopt & tf_m) == 0);
       if
       :: used == 0 -> page_free()
       :: else -> skip  /* into h's class queue */
       fi
  :: else -> skip
  fi
}

/* HeapOps::abandon: clear_full (relaxed), then wait_notified (acquire) so that no freer still
 * tells the exiting heap; the remote frees so far are collected (so that abandoned_live counts
 * only those still to come; pushes can land until the owner store below);
 * Page::heap and Segment::owner go to nullptr (relaxed: the abandoned
 * list's lock, release at unlock and acquire at the adopter's lock, orders them before the
 * adopter's stores); then onto the abandoned list under its lock. */
inline abandon(h) {
  if
  :: in_use ->
       clear_full();
       wait_notified();
       collect_thread_free();
       atomic { page_heap = 0; in_full = 0 }
  :: else -> skip
  fi;
  seg_owner = 0;
  abandoned = 1
}

/* HeapOps::collect_all_pages of the one page. */
inline collect_all_pages(h) {
  collect_unfull(h);
  if
  :: in_use ->
       collect_thread_free();
       if
       :: used == 0 -> if :: in_full -> in_full = 0 :: else -> skip fi; page_free()
       :: used != 0 && in_full && local_m != 0 -> unfull()
       :: else -> skip
       fi
  :: else -> skip
  fi
}

/* HeapOps::thread_exit. */
inline thread_exit(h) {
  collect_all_pages(h);
  if
  :: !page_freed -> abandon(h)
  :: else -> skip
  fi
}

/* A heap's last look at the page once no remote free is coming: its slow path, until it has
 * taken every remote free. A lost wake-up (a full page with pending frees and no hint) makes
 * this loop forever without progress: the non-progress check reports it. */
inline look_until_seen(h) {
  do
  :: page_freed || page_heap != h || tf_m == 0 || free_m != 0 -> break
  :: else -> find_page(h)
  od
}

/* ---- the freeing thread's side ---- */

/* Page::push_thread into `took`. The first load is relaxed (a stale value fails the CAS). The
 * block's link is written before each CAS attempt (private until the CAS). The CAS is acq_rel,
 * relies: release publishes the link to the owner's acquire fetch_and (collect_thread_free);
 * acquire, when it takes TF_FULL, pairs with mark_full's release. Taking TF_FULL and setting
 * TF_NOTIFYING happen in the same CAS as the push: the push and the read of the full state are
 * one point in the word's modification order. */
inline push_thread(f, b, took) {
  atomic { assert(!page_freed); pl = tf_m; pf = tf_full; pn = tf_notifying }
#ifdef PLANTED_FREER_READS_FULL_BEFORE_PUSH
  /* Planted: the freer reads the full state on its own and then pushes, keeping the bits. */
  took = pf;
  done = 0;
  do
  :: done -> break
  :: else ->
       atomic {
         assert(!page_freed);
         if
         :: tf_m == pl && tf_full == pf && tf_notifying == pn -> tf_m = tf_m | b; held[f] = held[f] & ~b; done = 1
         :: else -> pl = tf_m; pf = tf_full; pn = tf_notifying
         fi
       }
  od
#else
  done = 0;
  do
  :: done -> break
  :: else ->
       atomic {
         assert(!page_freed);
         if
         :: tf_m == pl && tf_full == pf && tf_notifying == pn ->
              tf_m = tf_m | b;
              held[f] = held[f] & ~b;
              if
              :: pf -> tf_full = 0; tf_notifying = 1; took = 1
              :: else -> took = 0
              fi;
              done = 1
         :: else -> pl = tf_m; pf = tf_full; pn = tf_notifying
         fi
       }
  od
#endif
}

/* HeapOps::notify_owner. The load of Page::heap is acquire, relies: pairs with the release
 * store in adopt/init_page (the heap it names is fully set up); the push CAS that took TF_FULL
 * already acquired the owner's mark_full. The page's bit in its segment's unfull_mask is set
 * with a release fetch_or, relies: pairs with collect_unfull's acquire exchange of the mask (the
 * owner then sees our push); then the hint store, release, relies: pairs with collect_unfull's
 * acquire exchange of the hint (the owner then sees the bit). end_notify is fetch_and
 * release, relies: pairs with wait_notified's acquire. While TF_NOTIFYING is ours the page can
 * neither be freed nor change heap: the hint goes to the page's current heap. */
inline notify_owner() {
  atomic { assert(!page_freed); nh = page_heap }
  if
  :: nh != 0 ->
#ifdef PLANTED_HINT_BEFORE_MASK
       /* Planted: the hint goes first, so the owner may take it before the bit is set. */
       atomic { assert(!page_freed && nh == page_heap); hint[nh] = 1 }
       atomic { assert(!page_freed && nh == page_heap); umask = 1 }
#else
       atomic { assert(!page_freed && nh == page_heap); umask = 1 }
       atomic { assert(!page_freed && nh == page_heap); hint[nh] = 1 }
#endif
  :: else -> skip
  fi;
  atomic { assert(!page_freed); tf_notifying = 0 }
}

/* HeapOps::try_reclaim_on_free: the abandoned list's lock makes the test and the unlink one
 * step (acquire at lock, release at unlock: the adopter sees the abandoner's stores). */
inline try_reclaim(won) {
  atomic {
    if
    :: abandoned -> abandoned = 0; won = 1
    :: else -> won = 0
    fi
  }
}

/* HeapOps::release_block by thread f (where Allocator::free_generic leads). Segment::owner is
 * read relaxed: it is only compared with f's own heap, which no other thread stores (a thread
 * never sees its own heap there unless it put it there). */
inline release_block(f, b) {
  ow = seg_owner;
  if
  :: ow == f -> free_local(f, b)
  :: else ->
       won = 0;
       if
       :: ow == 0 -> try_reclaim(won)
       :: ow == 0 -> skip  /* wants_segment: f's heap has a free page, so it leaves the segment abandoned */
       :: else -> skip
       fi;
       if
       :: won -> adopt(f); free_local(f, b)
       :: else ->
            push_thread(f, b, took);
            if
            :: took -> notify_owner()
            :: else -> skip
            fi
       fi
  fi
}

/* ---- the threads ---- */

active proctype Owner() {
  SCRATCH;
  do
  :: mallocs < MAX_MALLOCS -> mallocs++; progress_malloc: malloc_block(OWNER); CLEAR_SCRATCH
  /* A malloc of another class whose slow path takes the hint (find_page's first step) while
   * this page may be full and its notifier half way. */
  :: hint[OWNER] -> collect_unfull(OWNER); CLEAR_SCRATCH
  :: held[OWNER] != 0 -> b = LOWEST(held[OWNER]); progress_free: free_local(OWNER, b); CLEAR_SCRATCH
  :: held[OWNER] != 0 -> b = LOWEST(held[OWNER]); atomic { held[OWNER] = held[OWNER] & ~b; held[2] = held[2] | b }
  :: held[OWNER] != 0 -> b = LOWEST(held[OWNER]); atomic { held[OWNER] = held[OWNER] & ~b; held[3] = held[3] | b }
  :: break
  od;
  giving_done = 1;
  if
  :: thread_exit(OWNER)
  :: (freers_done == 2) -> look_until_seen(OWNER)
  fi;
  owner_done = 1
}

active [2] proctype Freer() {
  byte f = _pid;  /* 2 and 3: the monitor and the owner are pids 0 and 1 */
  SCRATCH;
  do
  :: held[f] != 0 -> b = LOWEST(held[f]); release_block(f, b); progress_freed: CLEAR_SCRATCH
  :: giving_done && held[f] == 0 -> break
  od;
  freers_done++
}

active proctype Reclaimer() {
  SCRATCH;
  owner_done;
  try_reclaim(won);
  if
  :: won ->
       adopt(RECLAIMER);
       (freers_done == 2);
       look_until_seen(RECLAIMER)
  :: else -> skip
  fi
}
