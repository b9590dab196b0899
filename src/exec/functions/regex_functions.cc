// regexp_like and regexp_replace (RE2). A literal pattern (and flags) is compiled once per call
// over a batch; patterns that vary per row are compiled once per distinct pattern.
#include <memory>

#include "absl/container/flat_hash_map.h"
#include "common/status.h"
#include "exec/expr/pattern_match.h"
#include "exec/functions/builtin_functions.h"

namespace strata::exec {
namespace {

using Resolve = decltype(ScalarFunction::resolve);

Resolve StringArgs(std::string name, size_t min, size_t max, TypeId result) {
  return [name, min, max, result](
             const std::vector<TypeId>& args) -> absl::StatusOr<FunctionSignature> {
    STRATA_RETURN_IF_ERROR(CheckArity(name, args.size(), min, max));
    FunctionSignature signature{{}, result};
    for (TypeId t : args) {
      if (!IsStringOrNull(t)) {
        return NotAccepted(name, t);
      }
      signature.args.push_back(t == TypeId::kDictionary ? t : TypeId::kString);
    }
    return signature;
  };
}

// Compiled patterns by (pattern, flags), for one call.
class RegexCache {
 public:
  absl::StatusOr<const RE2*> Get(std::string_view pattern, std::string_view flags) {
    std::string key = std::string(flags) + '\0' + std::string(pattern);
    auto it = cache_.find(key);
    if (it == cache_.end()) {
      STRATA_ASSIGN_OR_RETURN(std::shared_ptr<const RE2> compiled, CompileRegex(pattern, flags));
      it = cache_.emplace(std::move(key), std::move(compiled)).first;
    }
    return it->second.get();
  }

 private:
  absl::flat_hash_map<std::string, std::shared_ptr<const RE2>> cache_;
};

// PostgreSQL's replacement syntax (\1, \&) is RE2's (\1, \0): translate \& only.
std::string Replacement(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == '&') {
      out += "\\0";
      ++i;
      continue;
    }
    out += text[i];
  }
  return out;
}

}  // namespace

void RegisterRegexFunctions(FunctionRegistry* registry) {
  {
    ScalarFunction f;
    f.name = "regexp_like";
    f.resolve = StringArgs("regexp_like", 2, 3, TypeId::kBool);
    f.execute = [](const std::vector<Datum>& args, int64_t num_rows) -> absl::StatusOr<Datum> {
      auto cache = std::make_shared<RegexCache>();
      return MapRows(
          args,
          num_rows,
          TypeId::kBool,
          [cache](const std::vector<DatumReader>& r, int64_t i, Column* out) -> absl::Status {
            const std::string_view flags = r.size() > 2 ? r[2].String(i) : "";
            if (flags.find('g') != std::string_view::npos) {
              return absl::InvalidArgumentError(
                  "function 'regexp_like' does not support the global flag");
            }
            STRATA_ASSIGN_OR_RETURN(const RE2* re, cache->Get(r[1].String(i), flags));
            out->AppendBool(RE2::PartialMatch(r[0].String(i), *re));
            return absl::OkStatus();
          });
    };
    registry->Register(std::move(f));
  }
  {
    ScalarFunction f;
    f.name = "regexp_replace";
    f.resolve = StringArgs("regexp_replace", 3, 4, TypeId::kString);
    f.execute = [](const std::vector<Datum>& args, int64_t num_rows) -> absl::StatusOr<Datum> {
      auto cache = std::make_shared<RegexCache>();
      return MapRows(
          args,
          num_rows,
          TypeId::kString,
          [cache](const std::vector<DatumReader>& r, int64_t i, Column* out) -> absl::Status {
            const std::string_view flags = r.size() > 3 ? r[3].String(i) : "";
            STRATA_ASSIGN_OR_RETURN(const RE2* re, cache->Get(r[1].String(i), flags));
            const std::string rewrite = Replacement(r[2].String(i));
            std::string value(r[0].String(i));
            if (flags.find('g') != std::string_view::npos) {
              RE2::GlobalReplace(&value, *re, rewrite);
            } else {
              RE2::Replace(&value, *re, rewrite);
            }
            out->AppendString(value);
            return absl::OkStatus();
          });
    };
    registry->Register(std::move(f));
  }
}

}  // namespace strata::exec
