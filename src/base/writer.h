// base: formatting into a fixed buffer and writing to a file descriptor, without malloc or stdio.
#pragma once
#include <cstddef>
#include <cstdint>

namespace hardalloc {

class Writer {
 public:
  // Where a full buffer goes instead of write(2) on a file descriptor, e.g. fwrite on a FILE.
  // Called only from flush(), so a caller that formats with no lock held calls it unlocked.
  using Sink = void (*)(void* context, const char* bytes, size_t n);

  explicit Writer(int fd) : fd_(fd) {}
  Writer(Sink sink, void* context) : sink_(sink), context_(context) {}
  ~Writer() { flush(); }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  Writer& text(const char* s);
  Writer& text(const char* s, size_t n);
  Writer& number(uint64_t value);
  Writer& hex(uintptr_t value);
  // Right-aligns `value` in a field of `width` characters.
  Writer& padded(uint64_t value, unsigned width);
  void flush();

 private:
  Writer& put(char c);
  int fd_ = -1;
  Sink sink_ = nullptr;  // when set, takes the bytes instead of fd_
  void* context_ = nullptr;
  size_t used_ = 0;
  char buffer_[512]{};
};

}  // namespace hardalloc
