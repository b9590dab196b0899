// ByteSink: the output cursor every result writer encodes through. Writers append many tiny
// pieces (a key, a number, a quote); going through std::string::append for each costs a
// capacity check and a size update every time, so the sink hands out raw space instead.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

namespace strata::format {

// Appends bytes to a std::string through raw pointers. While the sink is alive the string is
// longer than what was written (its tail is scratch space); the destructor trims it to exactly the
// written bytes. Only one sink may be alive per string, and nothing else may touch the string
// while it is.
//
// Growth is geometric in what this sink has written (not in the string's size), so a short-lived
// sink on a long string pays for a small zero-filled tail only, and a long-lived one for O(1)
// zero-filled bytes per byte written; std::string's own capacity doubling bounds reallocations.
class ByteSink {
 public:
  explicit ByteSink(std::string* out) : out_(out), start_(out->size()), size_(out->size()) {}
  ByteSink(const ByteSink&) = delete;
  ByteSink& operator=(const ByteSink&) = delete;
  ~ByteSink() { out_->resize(size_); }

  // Returns a pointer to at least `n` writable bytes after the written ones. Write into them and
  // then call CommitTo with one past the last byte written.
  char* Reserve(size_t n) {
    if (out_->size() - size_ < n) [[unlikely]] {
      Grow(n);
    }
    return out_->data() + size_;
  }
  // Marks the bytes up to `end` (a pointer into the space Reserve returned) as written.
  void CommitTo(const char* end) { size_ = static_cast<size_t>(end - out_->data()); }

  void Append(std::string_view bytes) {
    if (bytes.empty()) {
      return;  // its data() may be null, which memcpy must not get
    }
    char* p = Reserve(bytes.size());
    std::memcpy(p, bytes.data(), bytes.size());
    size_ += bytes.size();
  }
  // Like Append, but copies a fixed kPaddedCopy bytes when `bytes` is at most that long, which
  // compiles to a couple of vector moves instead of a memcpy call.
  // REQUIRES: kPaddedCopy bytes are readable from bytes.data(), whatever bytes.size() is.
  static constexpr size_t kPaddedCopy = 32;
  void AppendPadded(std::string_view bytes) {
    char* p = Reserve(std::max(bytes.size(), kPaddedCopy));
    if (bytes.size() <= kPaddedCopy) [[likely]] {
      std::memcpy(p, bytes.data(), kPaddedCopy);
    } else {
      std::memcpy(p, bytes.data(), bytes.size());
    }
    size_ += bytes.size();
  }
  void Append(char c) {
    char* p = Reserve(1);
    *p = c;
    ++size_;
  }
  void AppendRepeated(char c, size_t count) {
    char* p = Reserve(count);
    std::memset(p, c, count);
    size_ += count;
  }

  // The number of bytes written to the string so far, including what it held before the sink.
  size_t size() const { return size_; }
  // The bytes written from offset `begin` (a past size()) up to now.
  std::string_view WrittenSince(size_t begin) const {
    return std::string_view(out_->data() + begin, size_ - begin);
  }

 private:
  void Grow(size_t n) {
    constexpr size_t kMinimumSlack = 256;
    out_->resize(size_ + std::max({n, size_ - start_, kMinimumSlack}));
  }

  std::string* out_;
  size_t start_;  // the string's size when the sink was created
  size_t size_;
};

}  // namespace strata::format
