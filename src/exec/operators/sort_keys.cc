// Sort key encoding.
#include "exec/operators/sort_keys.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>

namespace strata::exec {
namespace {

template <typename F>
inline void ForCovered(const SelectionVector* selection, int64_t n, F&& f) {
  if (selection == nullptr) {
    for (int64_t i = 0; i < n; ++i) {
      f(i, i);
    }
  } else {
    for (int64_t i = 0; i < n; ++i) {
      f(i, static_cast<int64_t>((*selection)[static_cast<size_t>(i)]));
    }
  }
}

uint64_t FloatOrderWord(double v) {
  if (v == 0) {
    v = 0.0;
  }
  if (std::isnan(v)) {
    v = std::numeric_limits<double>::quiet_NaN();
  }
  uint64_t bits = std::bit_cast<uint64_t>(v);
  return (bits & (uint64_t{1} << 63)) ? ~bits : bits | (uint64_t{1} << 63);
}

uint64_t PrefixWord(std::string_view s) {
  unsigned char bytes[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  std::memcpy(bytes, s.data(), std::min<size_t>(8, s.size()));
  uint64_t word = 0;
  for (unsigned char b : bytes) {
    word = (word << 8) | b;
  }
  return word;
}

}  // namespace

void EncodedKeys::Encode(const std::vector<ColumnPtr>& keys,
                         const std::vector<SortOrder>& orders,
                         const SelectionVector* selection,
                         int64_t n,
                         bool dictionary_ranks) {
  n_ = n;
  keys_.clear();
  keys_.resize(keys.size());
  for (size_t k = 0; k < keys.size(); ++k) {
    const Column& column = *keys[k];
    Key& key = keys_[k];
    key.ascending = orders[k].ascending;
    key.null_rank.assign(static_cast<size_t>(n), 1);
    key.words.assign(static_cast<size_t>(n), 0);
    const uint8_t null_rank = orders[k].nulls_first ? 0 : 2;
    const bool nulls = column.has_nulls() || column.type() == TypeId::kNull;
    if (nulls) {
      ForCovered(selection, n, [&](int64_t i, int64_t row) {
        if (column.type() == TypeId::kNull || column.IsNull(row)) {
          key.null_rank[static_cast<size_t>(i)] = null_rank;
        }
      });
    }
    auto valid = [&](int64_t i) { return key.null_rank[static_cast<size_t>(i)] == 1; };
    uint64_t* words = key.words.data();
    switch (column.type()) {
      case TypeId::kNull:
        break;
      case TypeId::kBool: {
        const uint8_t* data = column.data<uint8_t>();
        ForCovered(selection, n, [&](int64_t i, int64_t row) { words[i] = data[row] != 0; });
        break;
      }
      case TypeId::kInt64:
      case TypeId::kTimestamp: {
        const int64_t* data = column.data<int64_t>();
        ForCovered(selection, n, [&](int64_t i, int64_t row) {
          words[i] = static_cast<uint64_t>(data[row]) ^ (uint64_t{1} << 63);
        });
        break;
      }
      case TypeId::kUInt64: {
        const uint64_t* data = column.data<uint64_t>();
        ForCovered(selection, n, [&](int64_t i, int64_t row) { words[i] = data[row]; });
        break;
      }
      case TypeId::kFloat64: {
        const double* data = column.data<double>();
        ForCovered(
            selection, n, [&](int64_t i, int64_t row) { words[i] = FloatOrderWord(data[row]); });
        break;
      }
      case TypeId::kInterval: {
        // Intervals order by their (months, days, nanos) lexicographically, approximated by an
        // estimate in nanoseconds (30-day months), as PostgreSQL compares them.
        const Interval* data = column.data<Interval>();
        ForCovered(selection, n, [&](int64_t i, int64_t row) {
          const Interval& v = data[row];
          __int128 total =
              (static_cast<__int128>(v.months) * 30 + v.days) * 86'400'000'000'000LL + v.nanos;
          total = std::clamp<__int128>(
              total, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max());
          words[i] = static_cast<uint64_t>(static_cast<int64_t>(total)) ^ (uint64_t{1} << 63);
        });
        break;
      }
      case TypeId::kDictionary:
        if (dictionary_ranks) {
          // Rank the codes present by their strings, once.
          const int32_t* codes = column.data<int32_t>();
          int32_t max_code = -1;
          ForCovered(selection, n, [&](int64_t i, int64_t row) {
            if (valid(i)) {
              max_code = std::max(max_code, codes[row]);
            }
          });
          std::vector<int32_t> rank(static_cast<size_t>(max_code + 1), -1);
          std::vector<int32_t> present;
          ForCovered(selection, n, [&](int64_t i, int64_t row) {
            if (valid(i) && rank[static_cast<size_t>(codes[row])] < 0) {
              rank[static_cast<size_t>(codes[row])] = 0;
              present.push_back(codes[row]);
            }
          });
          const StringDictionary& dictionary = *column.dictionary();
          std::sort(present.begin(), present.end(), [&](int32_t a, int32_t b) {
            return dictionary.Value(a) < dictionary.Value(b);
          });
          for (size_t r = 0; r < present.size(); ++r) {
            rank[static_cast<size_t>(present[r])] = static_cast<int32_t>(r);
          }
          ForCovered(selection, n, [&](int64_t i, int64_t row) {
            if (valid(i)) {
              words[i] = static_cast<uint64_t>(rank[static_cast<size_t>(codes[row])]);
            }
          });
          break;
        }
        [[fallthrough]];
      case TypeId::kString:
        key.has_text = true;
        key.texts.assign(static_cast<size_t>(n), std::string_view());
        ForCovered(selection, n, [&](int64_t i, int64_t row) {
          if (valid(i)) {
            std::string_view text = column.GetString(row);
            key.texts[static_cast<size_t>(i)] = text;
            words[i] = PrefixWord(text);
          }
        });
        break;
    }
    if (!key.ascending) {
      for (int64_t i = 0; i < n; ++i) {
        words[i] = ~words[i];
      }
    }
  }
}

int EncodedKeys::Compare(const EncodedKeys& a, int64_t i, const EncodedKeys& b, int64_t j) {
  for (size_t k = 0; k < a.keys_.size(); ++k) {
    const Key& ka = a.keys_[k];
    const Key& kb = b.keys_[k];
    uint8_t na = ka.null_rank[static_cast<size_t>(i)];
    uint8_t nb = kb.null_rank[static_cast<size_t>(j)];
    if (na != nb) {
      return na < nb ? -1 : 1;
    }
    if (na != 1) {
      continue;  // both null
    }
    uint64_t wa = ka.words[static_cast<size_t>(i)];
    uint64_t wb = kb.words[static_cast<size_t>(j)];
    if (wa != wb) {
      return wa < wb ? -1 : 1;
    }
    if (ka.has_text) {
      int c = ka.texts[static_cast<size_t>(i)].compare(kb.texts[static_cast<size_t>(j)]);
      if (c != 0) {
        return (c < 0) == ka.ascending ? -1 : 1;
      }
    }
  }
  return 0;
}

size_t EncodedKeys::MemoryUsage() const {
  size_t bytes = keys_.capacity() * sizeof(Key);
  for (const Key& key : keys_) {
    bytes += key.null_rank.capacity() + key.words.capacity() * sizeof(uint64_t) +
             key.texts.capacity() * sizeof(std::string_view);
  }
  return bytes;
}

}  // namespace strata::exec
