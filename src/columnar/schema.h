// Schemas: the named, typed fields of a record batch or a table.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "types/data_type.h"

namespace strata {

// One named, typed field of a schema.
struct Field {
  std::string name;
  TypeId type;
  bool nullable = true;

  bool operator==(const Field&) const = default;
};

// An ordered list of fields. Immutable once built; shared as std::shared_ptr<const Schema>.
class Schema {
 public:
  explicit Schema(std::vector<Field> fields) : fields_(std::move(fields)) {}

  const std::vector<Field>& fields() const { return fields_; }
  int num_fields() const { return static_cast<int>(fields_.size()); }
  const Field& field(int i) const { return fields_[static_cast<size_t>(i)]; }
  // The index of the field named `name`, or nullopt. Linear: schemas are small.
  std::optional<int> FieldIndex(std::string_view name) const;
  // "name: type, ..." for messages and tests.
  std::string ToString() const;

  bool operator==(const Schema&) const = default;

 private:
  std::vector<Field> fields_;
};

using SchemaPtr = std::shared_ptr<const Schema>;

}  // namespace strata
