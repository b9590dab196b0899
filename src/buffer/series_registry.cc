// Series interning: hashing and comparing a row's tag cells against stored canonical keys.
#include "buffer/series_registry.h"

#include <limits>

#include "common/check.h"

namespace strata::buffer {

namespace {

// The folded 64x64->128-bit multiply of wyhash: fast, and every input bit reaches every output bit.
inline uint64_t Mix(uint64_t a, uint64_t b) {
  unsigned __int128 product = static_cast<unsigned __int128>(a) * b;
  return static_cast<uint64_t>(product) ^ static_cast<uint64_t>(product >> 64);
}

constexpr uint64_t kMultiplier0 = 0xa0761d6478bd642full;
constexpr uint64_t kMultiplier1 = 0xe7037ed1a0b428dbull;

inline uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}
inline uint64_t Load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

// Hashes `n` bytes at `p` into `hash` with fixed-size loads only (tag values are short, and a
// variable-length memcpy would be a function call per value).
inline uint64_t HashBytes(uint64_t hash, const char* p, size_t n) {
  while (n > 8) {
    hash = Mix(hash ^ Load64(p), kMultiplier0);
    p += 8;
    n -= 8;
  }
  uint64_t tail = 0;
  if (n >= 4) {
    tail = (Load32(p) << 32) | Load32(p + n - 4);
  } else if (n > 0) {
    tail = (uint64_t{static_cast<uint8_t>(p[0])} << 16) |
           (uint64_t{static_cast<uint8_t>(p[n / 2])} << 8) | static_cast<uint8_t>(p[n - 1]);
  }
  return Mix(hash ^ tail, kMultiplier1);
}

// A per-process seed (absl's hash is seeded by the address of a global, which ASLR moves), so that
// colliding tag sets cannot be prepared in advance.
uint64_t ProcessSeed() {
  static const uint64_t seed = absl::Hash<uint64_t>{}(0x5eed) | 1;
  return seed;
}

}  // namespace

size_t SeriesRegistry::HashOf(const RowTags& tags) {
  uint64_t hash = ProcessSeed();
  tags.ForEach([&](uint32_t column_id, std::string_view value) {
    hash = Mix(hash ^ ((uint64_t{column_id} << 32) | value.size()), kMultiplier0);
    hash = HashBytes(hash, value.data(), value.size());
  });
  return static_cast<size_t>(Mix(hash, kMultiplier1));
}

bool SeriesRegistry::KeyEquals(std::string_view key, const RowTags& tags) {
  bool equal = true;
  size_t position = 0;
  tags.ForEach([&](uint32_t column_id, std::string_view value) {
    if (!equal) {
      return;
    }
    uint32_t header[2];
    if (key.size() - position < sizeof(header)) {
      equal = false;
      return;
    }
    std::memcpy(header, key.data() + position, sizeof(header));
    position += sizeof(header);
    equal = header[0] == column_id && header[1] == value.size() &&
            key.size() - position >= value.size() &&
            std::memcmp(key.data() + position, value.data(), value.size()) == 0;
    position += value.size();
  });
  return equal && position == key.size();
}

uint32_t SeriesRegistry::FindOrAdd(const RowTags& tags, bool* added) {
  Probe probe{&tags, HashOf(tags)};
  auto it = ids_.find(probe);
  if (it != ids_.end()) {
    *added = false;
    return it->id;
  }
  STRATA_CHECK_LT(ids_.size(), size_t{std::numeric_limits<uint32_t>::max()});
  auto id = static_cast<uint32_t>(ids_.size());
  ids_.insert(Entry{StoreKey(tags), probe.hash, id});
  *added = true;
  return id;
}

std::string_view SeriesRegistry::StoreKey(const RowTags& tags) {
  size_t size = 0;
  tags.ForEach(
      [&](uint32_t, std::string_view value) { size += 2 * sizeof(uint32_t) + value.size(); });
  if (size == 0) {
    return std::string_view();
  }
  if (size > block_remaining_) {
    // Keys longer than a block get a block of their own; the old block's tail stays unused.
    size_t block = size > kBlockSize ? size : kBlockSize;
    blocks_.push_back(std::make_unique<char[]>(block));
    arena_bytes_ += block;
    block_next_ = blocks_.back().get();
    block_remaining_ = block;
  }
  char* out = block_next_;
  tags.ForEach([&](uint32_t column_id, std::string_view value) {
    uint32_t header[2] = {column_id, static_cast<uint32_t>(value.size())};
    std::memcpy(out, header, sizeof(header));
    std::memcpy(out + sizeof(header), value.data(), value.size());
    out += sizeof(header) + value.size();
  });
  std::string_view stored(block_next_, size);
  block_next_ += size;
  block_remaining_ -= size;
  return stored;
}

size_t SeriesRegistry::MemoryUsage() const {
  return arena_bytes_ + blocks_.capacity() * sizeof(void*) + ids_.capacity() * (sizeof(Entry) + 1);
}

}  // namespace strata::buffer
