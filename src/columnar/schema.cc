// Schema look-ups and printing.
#include "columnar/schema.h"

#include "fmt/format.h"

namespace strata {

std::optional<int> Schema::FieldIndex(std::string_view name) const {
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (fields_[i].name == name) {
      return static_cast<int>(i);
    }
  }
  return std::nullopt;
}

std::string Schema::ToString() const {
  std::string out;
  for (const Field& f : fields_) {
    out += fmt::format("{}{}: {}{}",
                       out.empty() ? "" : ", ",
                       f.name,
                       TypeName(f.type),
                       f.nullable ? "" : " not null");
  }
  return out;
}

}  // namespace strata
