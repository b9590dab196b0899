// DISTINCT aggregation: one hash set of (group, value) pairs for all groups; the plain
// accumulator runs over the distinct values when the result is asked for.
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include "absl/container/flat_hash_set.h"
#include "exec/aggregates/accumulator_support.h"

namespace strata::exec {
namespace {

class DistinctAccumulator final : public GroupsAccumulator {
 public:
  DistinctAccumulator(TypeId arg_type, std::function<std::unique_ptr<GroupsAccumulator>()> inner)
      : arg_type_(arg_type == TypeId::kDictionary ? TypeId::kString : arg_type),
        is_string_(IsStringType(arg_type)),
        inner_(std::move(inner)) {}

  absl::Status Update(const std::vector<ColumnPtr>& args,
                      const SelectionVector* selection,
                      const uint32_t* group_ids,
                      uint32_t total_groups) override {
    total_groups_ = std::max(total_groups_, total_groups);
    const Column& column = *args[0];
    ForEachValidRow(
        column, selection, UpdateRowCount(args, selection), [&](int64_t i, int64_t row) {
          if (is_string_) {
            AddString(group_ids[i], column.GetString(row));
          } else {
            words_.emplace(group_ids[i], Word(column, row));
          }
        });
    return absl::OkStatus();
  }

  // One string per group: the values, 8 bytes each, or length-prefixed strings.
  absl::StatusOr<std::vector<ColumnPtr>> State() override {
    std::vector<std::string> blobs(total_groups_);
    for (const auto& [group, word] : words_) {
      blobs[group].append(reinterpret_cast<const char*>(&word), sizeof(word));
    }
    for (const auto& [group, value] : strings_) {
      uint32_t length = static_cast<uint32_t>(value.size());
      blobs[group].append(reinterpret_cast<const char*>(&length), sizeof(length));
      blobs[group].append(value);
    }
    auto column = std::make_shared<Column>(TypeId::kString);
    for (const std::string& blob : blobs) {
      column->AppendString(blob);
    }
    return std::vector<ColumnPtr>{column};
  }

  absl::Status Merge(const std::vector<ColumnPtr>& states,
                     const uint32_t* group_ids,
                     uint32_t total_groups) override {
    total_groups_ = std::max(total_groups_, total_groups);
    const Column& column = *states[0];
    ForEachValidRow(column, nullptr, column.size(), [&](int64_t i, int64_t row) {
      std::string_view blob = column.GetString(row);
      size_t pos = 0;
      while (pos < blob.size()) {
        if (is_string_) {
          uint32_t length;
          std::memcpy(&length, blob.data() + pos, sizeof(length));
          pos += sizeof(length);
          AddString(group_ids[i], blob.substr(pos, length));
          pos += length;
        } else {
          uint64_t word;
          std::memcpy(&word, blob.data() + pos, sizeof(word));
          pos += sizeof(word);
          words_.emplace(group_ids[i], word);
        }
      }
    });
    return absl::OkStatus();
  }

  absl::StatusOr<ColumnPtr> Evaluate() override {
    auto values = std::make_shared<Column>(arg_type_);
    std::vector<uint32_t> groups;
    if (is_string_) {
      for (const auto& [group, value] : strings_) {
        values->AppendString(value);
        groups.push_back(group);
      }
    } else {
      values->ResizeFixed(static_cast<int64_t>(words_.size()));
      size_t i = 0;
      for (const auto& [group, word] : words_) {
        std::memcpy(values->mutable_data<uint8_t>() + i * FixedWidth(arg_type_),
                    &word,
                    static_cast<size_t>(FixedWidth(arg_type_)));
        groups.push_back(group);
        ++i;
      }
    }
    std::unique_ptr<GroupsAccumulator> inner = inner_();
    STRATA_RETURN_IF_ERROR(inner->Update({values}, nullptr, groups.data(), total_groups_));
    return inner->Evaluate();
  }

  size_t MemoryUsage() const override {
    size_t bytes = words_.capacity() * (sizeof(uint64_t) + 8) +
                   strings_.capacity() * (sizeof(std::string) + 8) + string_bytes_;
    return bytes;
  }

 private:
  void AddString(uint32_t group, std::string_view value) {
    auto [it, inserted] = strings_.emplace(group, std::string(value));
    if (inserted && it->second.capacity() > std::string().capacity()) {
      string_bytes_ += it->second.capacity();  // on the heap, not inline
    }
  }

  // The value's bits, little-endian in its column layout (floats canonicalized so that -0.0 and
  // 0.0, and all NaNs, count once).
  uint64_t Word(const Column& column, int64_t row) const {
    switch (arg_type_) {
      case TypeId::kBool:
        return column.GetBool(row) ? 1 : 0;
      case TypeId::kFloat64: {
        double v = column.GetFloat64(row);
        if (v == 0) {
          v = 0.0;
        }
        if (std::isnan(v)) {
          v = std::numeric_limits<double>::quiet_NaN();
        }
        return std::bit_cast<uint64_t>(v);
      }
      default:
        return column.data<uint64_t>()[row];
    }
  }

  TypeId arg_type_;
  bool is_string_;
  std::function<std::unique_ptr<GroupsAccumulator>()> inner_;
  uint32_t total_groups_ = 0;
  absl::flat_hash_set<std::pair<uint32_t, uint64_t>> words_;
  absl::flat_hash_set<std::pair<uint32_t, std::string>> strings_;
  size_t string_bytes_ = 0;  // heap bytes of the strings_ values
};

}  // namespace

std::unique_ptr<GroupsAccumulator> MakeDistinctAccumulator(
    TypeId arg_type, std::function<std::unique_ptr<GroupsAccumulator>()> inner) {
  return std::make_unique<DistinctAccumulator>(arg_type, std::move(inner));
}

}  // namespace strata::exec
