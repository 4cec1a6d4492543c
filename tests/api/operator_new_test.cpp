// In a program linked with libhardalloc.so, every form of operator new/delete is hardalloc's,
// and the failure forms behave as the C++ standard requires.
#include <gtest/gtest.h>
#include <hardalloc.h>

#include <cstdint>
#include <functional>
#include <new>
#include <string>
#include <vector>

#include "opaque.h"
#include "stats_snapshot.h"

namespace {

using hardalloc_test::in_use_bytes;

using hardalloc_test::opaque;

constexpr std::size_t BLOCK_BYTES = std::size_t{1} << 20;
constexpr std::size_t IMPOSSIBLE_BYTES = SIZE_MAX / 2;
constexpr std::align_val_t PAGE_ALIGNMENT{4096};

struct OperatorPair {
  std::string name;
  std::function<void*(std::size_t)> allocate;
  std::function<void(void*, std::size_t)> release;
};

std::vector<OperatorPair> operator_pairs() {
  const std::nothrow_t& nothrow = std::nothrow;
  return {
      {"new/delete", [](std::size_t n) { return ::operator new(n); },
       [](void* p, std::size_t) { ::operator delete(p); }},
      {"new/sized delete", [](std::size_t n) { return ::operator new(n); },
       [](void* p, std::size_t n) { ::operator delete(p, n); }},
      {"new[]/delete[]", [](std::size_t n) { return ::operator new[](n); },
       [](void* p, std::size_t) { ::operator delete[](p); }},
      {"new[]/sized delete[]", [](std::size_t n) { return ::operator new[](n); },
       [](void* p, std::size_t n) { ::operator delete[](p, n); }},
      {"nothrow new/delete", [&](std::size_t n) { return ::operator new(n, nothrow); },
       [&](void* p, std::size_t) { ::operator delete(p, nothrow); }},
      {"nothrow new[]/delete[]", [&](std::size_t n) { return ::operator new[](n, nothrow); },
       [&](void* p, std::size_t) { ::operator delete[](p, nothrow); }},
      {"aligned new/delete", [](std::size_t n) { return ::operator new(n, PAGE_ALIGNMENT); },
       [](void* p, std::size_t) { ::operator delete(p, PAGE_ALIGNMENT); }},
      {"aligned new/sized delete", [](std::size_t n) { return ::operator new(n, PAGE_ALIGNMENT); },
       [](void* p, std::size_t n) { ::operator delete(p, n, PAGE_ALIGNMENT); }},
      {"aligned new[]/delete[]", [](std::size_t n) { return ::operator new[](n, PAGE_ALIGNMENT); },
       [](void* p, std::size_t) { ::operator delete[](p, PAGE_ALIGNMENT); }},
      {"aligned new[]/sized delete[]", [](std::size_t n) { return ::operator new[](n, PAGE_ALIGNMENT); },
       [](void* p, std::size_t n) { ::operator delete[](p, n, PAGE_ALIGNMENT); }},
      {"aligned nothrow new/delete", [&](std::size_t n) { return ::operator new(n, PAGE_ALIGNMENT, nothrow); },
       [&](void* p, std::size_t) { ::operator delete(p, PAGE_ALIGNMENT, nothrow); }},
      {"aligned nothrow new[]/delete[]", [&](std::size_t n) { return ::operator new[](n, PAGE_ALIGNMENT, nothrow); },
       [&](void* p, std::size_t) { ::operator delete[](p, PAGE_ALIGNMENT, nothrow); }},
  };
}

TEST(OperatorNew, EveryFormIsHardalloc) {
  for (const OperatorPair& pair : operator_pairs()) {
    const std::size_t before_bytes = in_use_bytes();
    void* block = pair.allocate(opaque(BLOCK_BYTES));
    ASSERT_NE(block, nullptr) << pair.name;
    EXPECT_GE(in_use_bytes(), before_bytes + BLOCK_BYTES) << pair.name;
    EXPECT_GE(ha_malloc_usable_size(block), BLOCK_BYTES) << pair.name;
    pair.release(block, BLOCK_BYTES);
    EXPECT_EQ(in_use_bytes(), before_bytes) << pair.name << ": delete is not hardalloc's";
  }
}

TEST(OperatorNew, AlignedFormsAreAligned) {
  for (std::size_t alignment = 32; alignment <= (std::size_t{4} << 20); alignment *= 2) {
    for (std::size_t size_bytes : {std::size_t{1}, std::size_t{100}, alignment, 3 * alignment}) {
      void* block = ::operator new (opaque(size_bytes), std::align_val_t{alignment});
      EXPECT_EQ(reinterpret_cast<std::uintptr_t>(block) % alignment, 0u)
          << "alignment " << alignment << " size " << size_bytes;
      ::operator delete (block, size_bytes, std::align_val_t{alignment});
    }
  }
}

TEST(OperatorNew, ThrowingFormsThrowBadAlloc) {
  EXPECT_THROW(static_cast<void>(::operator new(opaque(IMPOSSIBLE_BYTES))), std::bad_alloc);
  EXPECT_THROW(static_cast<void>(::operator new[](opaque(IMPOSSIBLE_BYTES))), std::bad_alloc);
  EXPECT_THROW(static_cast<void>(::operator new(opaque(IMPOSSIBLE_BYTES), PAGE_ALIGNMENT)), std::bad_alloc);
  EXPECT_THROW(static_cast<void>(::operator new[](opaque(IMPOSSIBLE_BYTES), PAGE_ALIGNMENT)), std::bad_alloc);
}

TEST(OperatorNew, NothrowFormsReturnNull) {
  EXPECT_EQ(::operator new(opaque(IMPOSSIBLE_BYTES), std::nothrow), nullptr);
  EXPECT_EQ(::operator new[](opaque(IMPOSSIBLE_BYTES), std::nothrow), nullptr);
  EXPECT_EQ(::operator new(opaque(IMPOSSIBLE_BYTES), PAGE_ALIGNMENT, std::nothrow), nullptr);
  EXPECT_EQ(::operator new[](opaque(IMPOSSIBLE_BYTES), PAGE_ALIGNMENT, std::nothrow), nullptr);
}

int new_handler_call_count = 0;

// Counts its calls, then uninstalls itself so that operator new gives up and throws.
void counting_new_handler() {
  ++new_handler_call_count;
  std::set_new_handler(nullptr);
}

// Installs the counting handler, runs a failing request, and returns how often it was called.
template <typename Request>
int new_handler_calls_during(Request request) {
  new_handler_call_count = 0;
  std::set_new_handler(counting_new_handler);
  request();
  std::set_new_handler(nullptr);
  return new_handler_call_count;
}

TEST(OperatorNew, NewHandlerIsCalledBeforeGivingUp) {
  EXPECT_EQ(new_handler_calls_during(
                [] { EXPECT_THROW(static_cast<void>(::operator new(opaque(IMPOSSIBLE_BYTES))), std::bad_alloc); }),
            1);
  EXPECT_EQ(
      new_handler_calls_during([] { EXPECT_EQ(::operator new(opaque(IMPOSSIBLE_BYTES), std::nothrow), nullptr); }), 1);
  EXPECT_EQ(new_handler_calls_during([] {
              EXPECT_THROW(static_cast<void>(::operator new[](opaque(IMPOSSIBLE_BYTES), PAGE_ALIGNMENT)),
                           std::bad_alloc);
            }),
            1);
}

// A handler that throws: the nothrow forms turn that into nullptr (C++17 [new.delete.single]:
// they behave as if they called the throwing form inside a try/catch).
void throwing_new_handler() {
  ++new_handler_call_count;
  throw std::bad_alloc();
}

TEST(OperatorNew, NothrowFormsReturnNullWhenTheNewHandlerThrows) {
  new_handler_call_count = 0;
  std::set_new_handler(throwing_new_handler);
  EXPECT_EQ(::operator new(opaque(IMPOSSIBLE_BYTES), std::nothrow), nullptr);
  EXPECT_EQ(::operator new[](opaque(IMPOSSIBLE_BYTES), std::nothrow), nullptr);
  EXPECT_EQ(::operator new(opaque(IMPOSSIBLE_BYTES), PAGE_ALIGNMENT, std::nothrow), nullptr);
  EXPECT_EQ(::operator new[](opaque(IMPOSSIBLE_BYTES), PAGE_ALIGNMENT, std::nothrow), nullptr);
  std::set_new_handler(nullptr);
  EXPECT_EQ(new_handler_call_count, 4);
}

struct HandlerException {};
void handler_throwing_its_own_type() { throw HandlerException{}; }

TEST(OperatorNew, AnExceptionFromTheNewHandlerReachesTheCaller) {
  std::set_new_handler(handler_throwing_its_own_type);
  EXPECT_THROW(static_cast<void>(::operator new(opaque(IMPOSSIBLE_BYTES))), HandlerException);
  EXPECT_THROW(static_cast<void>(::operator new[](opaque(IMPOSSIBLE_BYTES), PAGE_ALIGNMENT)), HandlerException);
  std::set_new_handler(nullptr);
}

}  // namespace
