#include "shadow_model.h"

#include <cstdlib>

namespace hafuzz {
namespace {

std::uintptr_t end_of(const LiveBlock& block) {
  const std::size_t length = block.usable_bytes == 0 ? 1 : block.usable_bytes;
  return reinterpret_cast<std::uintptr_t>(block.address) + length;
}

}  // namespace

unsigned ShadowModel::lower_bound(std::uintptr_t address) const {
  unsigned low = 0;
  unsigned high = interval_count_;
  while (low < high) {
    const unsigned mid = (low + high) / 2;
    if (intervals_[mid].begin < address) {
      low = mid + 1;
    } else {
      high = mid;
    }
  }
  return low;
}

bool ShadowModel::admit(const LiveBlock& block, LiveBlock* overlapped) {
  const auto begin = reinterpret_cast<std::uintptr_t>(block.address);
  const std::uintptr_t end = end_of(block);
  std::lock_guard<std::mutex> lock(intervals_mutex_);
  const unsigned position = lower_bound(begin);
  if (position < interval_count_ && intervals_[position].begin < end) {
    *overlapped = intervals_[position].block;
    return false;
  }
  if (position > 0 && intervals_[position - 1].end > begin) {
    *overlapped = intervals_[position - 1].block;
    return false;
  }
  // Capacity holds every slot and every mailbox entry; exceeding it is a harness bug.
  if (interval_count_ == MAX_LIVE_BLOCKS) std::abort();
  for (unsigned i = interval_count_; i > position; --i) intervals_[i] = intervals_[i - 1];
  intervals_[position] = Interval{begin, end, block};
  ++interval_count_;
  live_bytes_.fetch_add(block.size_bytes, std::memory_order_relaxed);
  return true;
}

void ShadowModel::retire(const LiveBlock& block) {
  const auto begin = reinterpret_cast<std::uintptr_t>(block.address);
  std::lock_guard<std::mutex> lock(intervals_mutex_);
  const unsigned position = lower_bound(begin);
  if (position == interval_count_ || intervals_[position].begin != begin) std::abort();
  for (unsigned i = position; i + 1 < interval_count_; ++i) intervals_[i] = intervals_[i + 1];
  --interval_count_;
  live_bytes_.fetch_sub(block.size_bytes, std::memory_order_relaxed);
}

bool ShadowModel::fits_live_cap(std::size_t extra_bytes, std::size_t cap_bytes) const {
  const std::size_t live = live_bytes_.load(std::memory_order_relaxed);
  return extra_bytes <= cap_bytes && live <= cap_bytes - extra_bytes;
}

}  // namespace hafuzz
