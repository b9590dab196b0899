// Test helper: a query's rows as text, for comparing results in tests.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "query/query_engine.h"

namespace strata::query {

// Runs `sql` against `database` and returns its rows as "v1|v2|..." strings (NULL for nulls,
// floats with %g, or with every digit when `exact_floats`); the result's schema in *schema when
// given.
inline absl::StatusOr<std::vector<std::string>> QueryRows(const QueryEngine& engine,
                                                          std::string_view database,
                                                          std::string_view sql,
                                                          bool exact_floats = false,
                                                          SchemaPtr* schema = nullptr) {
  auto result = engine.Execute(database, sql);
  if (!result.ok()) {
    return result.status();
  }
  if (schema != nullptr) {
    *schema = (*result)->schema();
  }
  std::vector<std::string> rows;
  exec::Batch batch;
  while (true) {
    auto more = (*result)->Next(&batch);
    if (!more.ok()) {
      return more.status();
    }
    if (!*more) {
      break;
    }
    exec::Batch dense = batch.Compact();
    for (int64_t r = 0; r < dense.num_rows(); ++r) {
      std::string row;
      for (int c = 0; c < dense.num_columns(); ++c) {
        const Column& col = *dense.column(c);
        if (c > 0) {
          row += "|";
        }
        if (col.IsNull(r)) {
          row += "NULL";
          continue;
        }
        switch (col.type()) {
          case TypeId::kBool:
            row += col.GetBool(r) ? "true" : "false";
            break;
          case TypeId::kInt64:
          case TypeId::kTimestamp:
            row += std::to_string(col.GetInt64(r));
            break;
          case TypeId::kUInt64:
            row += std::to_string(col.GetUInt64(r));
            break;
          case TypeId::kFloat64: {
            char text[64];
            snprintf(text, sizeof(text), exact_floats ? "%.17g" : "%g", col.GetFloat64(r));
            row += text;
            break;
          }
          case TypeId::kString:
          case TypeId::kDictionary:
            row += col.GetString(r);
            break;
          default:
            row += "?";
        }
      }
      rows.push_back(row);
    }
  }
  return rows;
}

}  // namespace strata::query
