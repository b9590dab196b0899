// A cache of the encoded form of dictionary values. Tag columns repeat a few values over and over;
// encoding each distinct value once (escaping a JSON string, quoting a CSV field) turns every
// further occurrence into one memcpy.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "columnar/string_dictionary.h"
#include "format/byte_sink.h"

namespace strata::format {

// Caches `encode(value)` per code of one StringDictionary at a time: when a batch comes with a
// different dictionary, the cache starts over. Holding a reference to the cached dictionary keeps
// its address from being reused by a new dictionary while cached codes refer to it (a dictionary
// is append-only, so its codes never change meaning). Entries are filled on first use, so a large
// dictionary of which a result uses a few values costs only those.
class EncodedDictionary {
 public:
  using Encoder = void (*)(std::string_view value, ByteSink* sink);

  explicit EncodedDictionary(Encoder encoder) : encoder_(encoder) {}

  // Returns the encoding of `code` in `dictionary`. The view is valid until the next call, and
  // ByteSink::kPaddedCopy bytes are readable from its start (for ByteSink::AppendPadded).
  std::string_view Get(const std::shared_ptr<StringDictionary>& dictionary, int32_t code) {
    if (dictionary != dictionary_) [[unlikely]] {
      Reset(dictionary);
    }
    const auto index = static_cast<size_t>(code);
    if (index >= begins_.size() || begins_[index] == kNotEncoded) [[unlikely]] {
      Encode(code);
    }
    return std::string_view(bytes_.data() + begins_[index], lengths_[index]);
  }

 private:
  static constexpr size_t kNotEncoded = ~size_t{0};

  void Reset(const std::shared_ptr<StringDictionary>& dictionary) {
    dictionary_ = dictionary;
    bytes_.clear();
    end_ = 0;
    begins_.clear();
    lengths_.clear();
  }

  void Encode(int32_t code) {
    const auto index = static_cast<size_t>(code);
    if (index >= begins_.size()) {
      const size_t size = std::max(index + 1, begins_.size() * 2);
      begins_.resize(size, kNotEncoded);
      lengths_.resize(size, 0);
    }
    // Encode over the padding of the previous encoding, then pad again.
    bytes_.resize(end_);
    {
      ByteSink sink(&bytes_);
      encoder_(dictionary_->Value(code), &sink);
    }
    begins_[index] = end_;
    lengths_[index] = bytes_.size() - end_;
    end_ = bytes_.size();
    bytes_.resize(end_ + ByteSink::kPaddedCopy);
  }

  Encoder encoder_;
  std::shared_ptr<StringDictionary> dictionary_;
  std::string bytes_;           // the encodings, back to back, then kPaddedCopy bytes of padding
  size_t end_ = 0;              // where the encodings end in bytes_
  std::vector<size_t> begins_;  // per code: where its encoding starts in bytes_, or kNotEncoded
  std::vector<size_t> lengths_;
};

}  // namespace strata::format
