#include "base/writer.h"

#include <unistd.h>

namespace hardalloc {

Writer& Writer::put(char c) {
  if (used_ == sizeof(buffer_)) flush();
  buffer_[used_++] = c;
  return *this;
}

Writer& Writer::text(const char* s) {
  while (*s) put(*s++);
  return *this;
}

Writer& Writer::text(const char* s, size_t n) {
  for (size_t i = 0; i < n; ++i) put(s[i]);
  return *this;
}

Writer& Writer::number(uint64_t value) { return padded(value, 0); }

Writer& Writer::padded(uint64_t value, unsigned width) {
  char digits[24];
  unsigned n = 0;
  do {
    digits[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  for (unsigned i = n; i < width; ++i) put(' ');
  while (n > 0) put(digits[--n]);
  return *this;
}

Writer& Writer::hex(uintptr_t value) {
  text("0x");
  bool started = false;
  for (int shift = 60; shift >= 0; shift -= 4) {
    unsigned nibble = (value >> shift) & 0xF;
    if (nibble != 0 || started || shift == 0) {
      started = true;
      put("0123456789abcdef"[nibble]);
    }
  }
  return *this;
}

void Writer::flush() {
  if (sink_ != nullptr) {
    if (used_ != 0) sink_(context_, buffer_, used_);
    used_ = 0;
    return;
  }
  size_t done = 0;
  while (done < used_) {
    ssize_t n = ::write(fd_, buffer_ + done, used_ - done);
    if (n <= 0) break;  // nothing sensible to do about a failing stderr
    done += static_cast<size_t>(n);
  }
  used_ = 0;
}

}  // namespace hardalloc
