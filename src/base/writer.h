// base: formatting into a fixed buffer and writing to a file descriptor, without malloc or stdio.
#pragma once
#include <cstddef>
#include <cstdint>

namespace hardalloc {

class Writer {
 public:
  explicit Writer(int fd) : fd_(fd) {}
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
  int fd_;
  size_t used_ = 0;
  char buffer_[512]{};
};

}  // namespace hardalloc
