// The order of InfluxQL's raw rows: by time, then by their tags' values.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <optional>
#include <vector>

#include "exec/radix_sort.h"

namespace strata::query {

// The order of `count` raw rows as the SQL would have had them (SourceSql::executor_orders_rows):
// by time (`time_of(i)`), then by the tags' values. `make_tie_keys()` returns an integer per row
// that orders rows as their tags do (nullopt when there are none), else `make_tags_less()` a
// comparator of row indexes. Each is called once at most, and only when some rows share a time.
//
// When rows must share times (more rows than distinct instants between the first and the last,
// in steps of the times' greatest common divisor, as for metrics written at an interval) and the
// time steps and the tie keys fit in 64 bits together, one radix sort of both orders them.
// Otherwise the times are radix sorted and each run of rows that share one is sorted on its own.
// Rows equal in both keep their input order.
template <typename TimeOf, typename MakeTieKeys, typename MakeTagsLess>
std::vector<uint32_t> TimeThenTagOrder(size_t count,
                                       bool ascending,
                                       const TimeOf& time_of,
                                       const MakeTieKeys& make_tie_keys,
                                       const MakeTagsLess& make_tags_less) {
  std::vector<exec::KeyedRow> order(count);
  std::optional<std::vector<uint64_t>> tie_keys;
  bool tied = false;
  if (count > 1) {
    int64_t min = time_of(0);
    int64_t max = min;
    for (size_t i = 1; i < count; ++i) {
      const int64_t time = time_of(i);
      min = std::min(min, time);
      max = std::max(max, time);
    }
    // The steps from the first time (the last, descending): the GCD of the distances.
    const auto distance = [&](int64_t time) {
      return ascending ? static_cast<uint64_t>(time) - static_cast<uint64_t>(min)
                       : static_cast<uint64_t>(max) - static_cast<uint64_t>(time);
    };
    uint64_t step = 0;
    for (size_t i = 0; i < count && step != 1; ++i) {
      const uint64_t d = distance(time_of(i));
      if (step == 0) {
        step = d;
      } else if (d % step != 0) {
        step = std::gcd(step, d);
      }
    }
    const uint64_t steps =
        step == 0 ? 0 : (static_cast<uint64_t>(max) - static_cast<uint64_t>(min)) / step;
    if (steps < count - 1) {
      tied = true;
      tie_keys = make_tie_keys();
    }
    if (tie_keys.has_value()) {
      uint64_t key_bits = 0;
      for (const uint64_t key : *tie_keys) {
        key_bits |= key;
      }
      const int tie_bits = std::bit_width(key_bits);
      if (std::bit_width(steps) + tie_bits <= 64) {
        for (size_t i = 0; i < count; ++i) {
          const uint64_t time_step = step == 0 ? 0 : distance(time_of(i)) / step;
          // (A shift by 64 is undefined: no tie bits means every key is 0.)
          const uint64_t key = tie_bits == 0 ? time_step : (time_step << tie_bits) | (*tie_keys)[i];
          order[i] = {key, static_cast<uint32_t>(i)};
        }
        exec::RadixSortByKey(&order);
        std::vector<uint32_t> rows(count);
        for (size_t i = 0; i < count; ++i) {
          rows[i] = order[i].row;
        }
        return rows;
      }
    }
  }
  for (size_t i = 0; i < count; ++i) {
    order[i] = {exec::OrderedKey(time_of(i), ascending), static_cast<uint32_t>(i)};
  }
  exec::RadixSortByKey(&order);
  std::optional<decltype(make_tags_less())> tags_less;
  for (size_t begin = 0; begin < order.size();) {
    size_t end = begin + 1;
    while (end < order.size() && order[end].key == order[begin].key) {
      ++end;
    }
    if (end - begin > 1) {
      if (!tied) {
        tied = true;
        tie_keys = make_tie_keys();
      }
      if (!tie_keys.has_value() && !tags_less.has_value()) {
        tags_less.emplace(make_tags_less());
      }
      const auto first = order.begin() + static_cast<std::ptrdiff_t>(begin);
      const auto last = order.begin() + static_cast<std::ptrdiff_t>(end);
      if (tie_keys.has_value()) {
        // The group's keys in place of its time (all one): sorted without looking them up.
        for (auto it = first; it != last; ++it) {
          it->key = (*tie_keys)[it->row];
        }
        std::stable_sort(first, last, [](const exec::KeyedRow& x, const exec::KeyedRow& y) {
          return x.key < y.key;
        });
      } else {
        std::stable_sort(first, last, [&](const exec::KeyedRow& x, const exec::KeyedRow& y) {
          return (*tags_less)(x.row, y.row);
        });
      }
    }
    begin = end;
  }
  std::vector<uint32_t> rows(count);
  for (size_t i = 0; i < count; ++i) {
    rows[i] = order[i].row;
  }
  return rows;
}

}  // namespace strata::query
