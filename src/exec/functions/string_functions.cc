// String functions. Lengths and positions count characters (UTF-8 code points), as PostgreSQL
// and DataFusion do; byte-oriented variants say so (octet_length).
#include <algorithm>
#include <string>

#include "common/utf8.h"
#include "exec/functions/builtin_functions.h"
#include "exec/functions/md5.h"
#include "fmt/format.h"

namespace strata::exec {
namespace {

using Body = std::function<absl::Status(const std::vector<DatumReader>&, int64_t, Column*)>;

bool IsContinuationByte(char c) {
  return (static_cast<uint8_t>(c) & 0xC0) == 0x80;
}

int64_t CharLength(std::string_view s) {
  int64_t count = 0;
  for (char c : s) {
    count += IsContinuationByte(c) ? 0 : 1;
  }
  return count;
}

// The byte offset of character `index` (0-based) of s, or s.size() past the end.
size_t ByteOffsetOfChar(std::string_view s, int64_t index) {
  if (index <= 0) {
    return 0;
  }
  int64_t seen = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (!IsContinuationByte(s[i])) {
      if (seen == index) {
        return i;
      }
      ++seen;
    }
  }
  return s.size();
}

// Characters [start, start + count) of s, clamped to the string.
std::string_view CharSubstring(std::string_view s, int64_t start, int64_t count) {
  const size_t begin = ByteOffsetOfChar(s, std::max<int64_t>(start, 0));
  if (count <= 0) {
    return s.substr(begin, 0);
  }
  const size_t end = ByteOffsetOfChar(s, std::max<int64_t>(start, 0) + count);
  return s.substr(begin, end - begin);
}

// Simple case mapping: ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic (the scripts time
// series tags are written in). Other code points are left as they are.
uint32_t MapCase(uint32_t c, bool upper) {
  if (upper) {
    if (c >= 'a' && c <= 'z')
      return c - 32;
    if (c < 0x80)
      return c;
    if ((c >= 0xE0 && c <= 0xFE && c != 0xF7))
      return c - 32;
    if (c >= 0x100 && c <= 0x17F && c != 0x130 && c != 0x131 && c != 0x138 && c != 0x149 &&
        c != 0x17F) {
      // Pairs: even upper, odd lower, except 0x139..0x148 and 0x179..0x17E (odd upper).
      const bool odd_upper = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
      if (odd_upper)
        return (c % 2 == 0) ? c - 1 : c;
      return (c % 2 == 1) ? c - 1 : c;
    }
    if (c >= 0x3B1 && c <= 0x3C9 && c != 0x3C2)
      return c - 32;
    if (c >= 0x430 && c <= 0x44F)
      return c - 32;
    if (c >= 0x450 && c <= 0x45F)
      return c - 80;
    return c;
  }
  if (c >= 'A' && c <= 'Z')
    return c + 32;
  if (c < 0x80)
    return c;
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7)
    return c + 32;
  if (c >= 0x100 && c <= 0x17F && c != 0x130 && c != 0x131 && c != 0x138 && c != 0x149 &&
      c != 0x17F) {
    const bool odd_upper = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
    if (odd_upper)
      return (c % 2 == 1) ? c + 1 : c;
    return (c % 2 == 0) ? c + 1 : c;
  }
  if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2)
    return c + 32;
  if (c >= 0x410 && c <= 0x42F)
    return c + 32;
  if (c >= 0x400 && c <= 0x40F)
    return c + 80;
  return c;
}

void AppendUtf8(uint32_t c, std::string* out) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (c >> 6)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (c >> 12)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (c >> 18)));
    out->push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

void ConvertCase(std::string_view s, bool upper, std::string* out) {
  out->clear();
  out->reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const auto byte = static_cast<uint8_t>(s[i]);
    if (byte < 0x80) {
      char c = s[i];
      if (upper && c >= 'a' && c <= 'z') {
        c = static_cast<char>(c - 32);
      } else if (!upper && c >= 'A' && c <= 'Z') {
        c = static_cast<char>(c + 32);
      }
      out->push_back(c);
      ++i;
      continue;
    }
    uint32_t code_point;
    const size_t length = DecodeUtf8(s, i, &code_point);
    if (length == 0) {
      out->push_back(s[i]);  // invalid UTF-8 passes through unchanged
      ++i;
      continue;
    }
    AppendUtf8(MapCase(code_point, upper), out);
    i += length;
  }
}

// Splits s into its characters (UTF-8 sequences; stray bytes count as one character each).
std::vector<std::string_view> Characters(std::string_view s) {
  std::vector<std::string_view> chars;
  size_t start = 0;
  for (size_t i = 1; i <= s.size(); ++i) {
    if (i == s.size() || !IsContinuationByte(s[i])) {
      chars.push_back(s.substr(start, i - start));
      start = i;
    }
  }
  return chars;
}

enum class TrimSide { kBoth, kLeft, kRight };

std::string_view Trim(std::string_view s, std::string_view characters, TrimSide side) {
  const std::vector<std::string_view> set = Characters(characters);
  auto in_set = [&set](std::string_view c) {
    return std::find(set.begin(), set.end(), c) != set.end();
  };
  std::vector<std::string_view> chars = Characters(s);
  size_t begin = 0;
  size_t end = chars.size();
  if (side != TrimSide::kRight) {
    while (begin < end && in_set(chars[begin])) {
      ++begin;
    }
  }
  if (side != TrimSide::kLeft) {
    while (end > begin && in_set(chars[end - 1])) {
      --end;
    }
  }
  if (begin == end) {
    return s.substr(0, 0);
  }
  const size_t byte_begin = static_cast<size_t>(chars[begin].data() - s.data());
  const size_t byte_end =
      static_cast<size_t>(chars[end - 1].data() - s.data()) + chars[end - 1].size();
  return s.substr(byte_begin, byte_end - byte_begin);
}

// A resolve for f(args) where argument k must be one of `kinds[k]`: 's' string, 'i' integer
// (int64), 'a' any type cast to string. The last kind repeats for variadic functions.
using Resolve = decltype(ScalarFunction::resolve);
Resolve Signature(std::string name, std::string kinds, size_t min, size_t max, TypeId result) {
  return [name, kinds, min, max, result](
             const std::vector<TypeId>& args) -> absl::StatusOr<FunctionSignature> {
    absl::Status arity = CheckArity(name, args.size(), min, max);
    if (!arity.ok()) {
      return arity;
    }
    FunctionSignature signature{{}, result};
    for (size_t k = 0; k < args.size(); ++k) {
      const char kind = kinds[std::min(k, kinds.size() - 1)];
      const TypeId t = args[k];
      if (kind == 's') {
        if (!IsStringOrNull(t)) {
          return NotAccepted(name, t);
        }
        signature.args.push_back(t == TypeId::kDictionary ? TypeId::kDictionary : TypeId::kString);
      } else if (kind == 'i') {
        if (t != TypeId::kInt64 && t != TypeId::kUInt64 && t != TypeId::kNull) {
          return NotAccepted(name, t);
        }
        signature.args.push_back(TypeId::kInt64);
      } else {
        signature.args.push_back(IsStringType(t) ? t : TypeId::kString);
      }
    }
    return signature;
  };
}

void Register(FunctionRegistry* registry,
              const std::string& name,
              Resolve resolve,
              TypeId result,
              Body body) {
  ScalarFunction f;
  f.name = name;
  f.resolve = std::move(resolve);
  f.execute = [result, body = std::move(body)](const std::vector<Datum>& args,
                                               int64_t num_rows) -> absl::StatusOr<Datum> {
    return MapRows(args, num_rows, result, body);
  };
  registry->Register(std::move(f));
}

// A string -> string function that keeps a dictionary column's encoding work small: the body
// runs once per distinct value when the input is a dictionary column with few values.
void RegisterStringMap(FunctionRegistry* registry,
                       const std::string& name,
                       std::function<void(std::string_view, std::string*)> map) {
  ScalarFunction f;
  f.name = name;
  f.resolve = Signature(name, "s", 1, 1, TypeId::kString);
  f.execute = [map](const std::vector<Datum>& args, int64_t num_rows) -> absl::StatusOr<Datum> {
    const Datum& x = args[0];
    if (x.is_column() && x.type() == TypeId::kDictionary &&
        x.column()->dictionary()->size() <= x.column()->size()) {
      const Column& in = *x.column();
      const StringDictionary& dictionary = *in.dictionary();
      std::vector<std::string> mapped(static_cast<size_t>(dictionary.size()));
      for (int32_t c = 0; c < dictionary.size(); ++c) {
        map(dictionary.Value(c), &mapped[static_cast<size_t>(c)]);
      }
      auto out = std::make_shared<Column>(TypeId::kString);
      out->Reserve(in.size());
      const int32_t* codes = in.data<int32_t>();
      for (int64_t i = 0; i < in.size(); ++i) {
        if (in.IsNull(i)) {
          out->AppendNull();
        } else {
          out->AppendString(mapped[static_cast<size_t>(codes[i])]);
        }
      }
      return Datum(ColumnPtr(std::move(out)));
    }
    std::string buffer;
    return MapRows(args,
                   num_rows,
                   TypeId::kString,
                   [&](const std::vector<DatumReader>& r, int64_t i, Column* out) {
                     map(r[0].String(i), &buffer);
                     out->AppendString(buffer);
                     return absl::OkStatus();
                   });
  };
  registry->Register(std::move(f));
}

std::string Pad(std::string_view s, int64_t length, std::string_view fill, bool left) {
  if (length <= 0) {
    return "";
  }
  const int64_t have = CharLength(s);
  if (have >= length) {
    return std::string(CharSubstring(s, 0, length));
  }
  if (fill.empty()) {
    return std::string(s);
  }
  const std::vector<std::string_view> fill_chars = Characters(fill);
  std::string padding;
  for (int64_t k = 0; k < length - have; ++k) {
    padding += fill_chars[static_cast<size_t>(k) % fill_chars.size()];
  }
  return left ? padding + std::string(s) : std::string(s) + padding;
}

}  // namespace

void RegisterStringFunctions(FunctionRegistry* registry) {
  RegisterStringMap(
      registry, "lower", [](std::string_view s, std::string* out) { ConvertCase(s, false, out); });
  RegisterStringMap(
      registry, "upper", [](std::string_view s, std::string* out) { ConvertCase(s, true, out); });
  RegisterStringMap(registry, "reverse", [](std::string_view s, std::string* out) {
    out->clear();
    std::vector<std::string_view> chars = Characters(s);
    for (auto it = chars.rbegin(); it != chars.rend(); ++it) {
      out->append(*it);
    }
  });
  RegisterStringMap(registry, "initcap", [](std::string_view s, std::string* out) {
    // Upper-case the first letter of each run of letters and digits, lower-case the rest.
    out->clear();
    bool word_start = true;
    for (std::string_view c : Characters(s)) {
      std::string mapped;
      ConvertCase(c, word_start, &mapped);
      out->append(mapped);
      const bool alnum = c.size() > 1 || (c[0] >= '0' && c[0] <= '9') ||
                         (c[0] >= 'a' && c[0] <= 'z') || (c[0] >= 'A' && c[0] <= 'Z');
      word_start = !alnum;
    }
  });
  for (const char* name : {"length", "char_length", "character_length"}) {
    Register(registry,
             name,
             Signature(name, "s", 1, 1, TypeId::kInt64),
             TypeId::kInt64,
             [](const std::vector<DatumReader>& r, int64_t i, Column* out) {
               out->AppendInt64(CharLength(r[0].String(i)));
               return absl::OkStatus();
             });
  }
  Register(registry,
           "octet_length",
           Signature("octet_length", "s", 1, 1, TypeId::kInt64),
           TypeId::kInt64,
           [](const std::vector<DatumReader>& r, int64_t i, Column* out) {
             out->AppendInt64(static_cast<int64_t>(r[0].String(i).size()));
             return absl::OkStatus();
           });
  {
    // concat skips NULLs (an all-NULL call gives ''), unlike ||.
    ScalarFunction f;
    f.name = "concat";
    f.resolve = Signature("concat", "a", 1, kVariadic, TypeId::kString);
    f.execute = [](const std::vector<Datum>& args, int64_t num_rows) -> absl::StatusOr<Datum> {
      return EvaluateScalarAware(
          args,
          num_rows,
          [](const std::vector<Datum>& a, int64_t rows) -> absl::StatusOr<ColumnPtr> {
            std::vector<DatumReader> readers(a.begin(), a.end());
            auto out = std::make_shared<Column>(TypeId::kString);
            out->Reserve(rows);
            std::string buffer;
            for (int64_t i = 0; i < rows; ++i) {
              buffer.clear();
              for (const DatumReader& r : readers) {
                if (!r.IsNull(i) && !r.AllNull()) {
                  buffer.append(r.String(i));
                }
              }
              out->AppendString(buffer);
            }
            return ColumnPtr(std::move(out));
          });
    };
    registry->Register(std::move(f));
  }
  {
    // concat_ws(separator, ...): NULL separator gives NULL; NULL values are skipped.
    ScalarFunction f;
    f.name = "concat_ws";
    f.resolve = Signature("concat_ws", "sa", 2, kVariadic, TypeId::kString);
    f.execute = [](const std::vector<Datum>& args, int64_t num_rows) -> absl::StatusOr<Datum> {
      return EvaluateScalarAware(
          args,
          num_rows,
          [](const std::vector<Datum>& a, int64_t rows) -> absl::StatusOr<ColumnPtr> {
            std::vector<DatumReader> readers(a.begin(), a.end());
            auto out = std::make_shared<Column>(TypeId::kString);
            out->Reserve(rows);
            std::string buffer;
            for (int64_t i = 0; i < rows; ++i) {
              if (readers[0].IsNull(i)) {
                out->AppendNull();
                continue;
              }
              buffer.clear();
              bool first = true;
              for (size_t k = 1; k < readers.size(); ++k) {
                if (readers[k].IsNull(i)) {
                  continue;
                }
                if (!first) {
                  buffer.append(readers[0].String(i));
                }
                buffer.append(readers[k].String(i));
                first = false;
              }
              out->AppendString(buffer);
            }
            return ColumnPtr(std::move(out));
          });
    };
    registry->Register(std::move(f));
  }
  for (const char* name : {"substr", "substring"}) {
    // PostgreSQL: characters from `start` (1-based, may be <= 0) for `count` characters counted
    // from `start`, so substr('abc', 0, 2) is 'a'.
    Register(registry,
             name,
             Signature(name, "sii", 2, 3, TypeId::kString),
             TypeId::kString,
             [name = std::string(name)](const std::vector<DatumReader>& r, int64_t i, Column* out) {
               const std::string_view s = r[0].String(i);
               const int64_t start = r[1].Int64(i);
               if (r.size() == 2) {
                 out->AppendString(CharSubstring(s, start - 1, INT64_MAX / 2));
                 return absl::OkStatus();
               }
               const int64_t count = r[2].Int64(i);
               if (count < 0) {
                 return absl::InvalidArgumentError(
                     fmt::format("function '{}': negative substring length not allowed", name));
               }
               // The end position, clamped to 1 so that a window entirely before the string is
               // empty; saturating so huge counts do not overflow.
               int64_t end;
               if (__builtin_add_overflow(start, count, &end)) {
                 end = INT64_MAX;
               }
               const int64_t first = std::max<int64_t>(start, 1);
               out->AppendString(end <= first ? std::string_view()
                                              : CharSubstring(s, first - 1, end - first));
               return absl::OkStatus();
             });
  }
  for (const bool left : {true, false}) {
    const std::string name = left ? "left" : "right";
    Register(registry,
             name,
             Signature(name, "si", 2, 2, TypeId::kString),
             TypeId::kString,
             [left](const std::vector<DatumReader>& r, int64_t i, Column* out) {
               const std::string_view s = r[0].String(i);
               const int64_t n = r[1].Int64(i);
               const int64_t length = CharLength(s);
               // A negative n counts from the other end: all but the last/first |n| characters.
               const int64_t keep = n >= 0 ? std::min(n, length)
                                           : std::max<int64_t>(0, length + std::max(n, -length));
               out->AppendString(left ? CharSubstring(s, 0, keep)
                                      : CharSubstring(s, length - keep, keep));
               return absl::OkStatus();
             });
  }
  const std::pair<const char*, TrimSide> trims[] = {{"trim", TrimSide::kBoth},
                                                    {"btrim", TrimSide::kBoth},
                                                    {"ltrim", TrimSide::kLeft},
                                                    {"rtrim", TrimSide::kRight}};
  for (const auto& [name, side] : trims) {
    Register(registry,
             name,
             Signature(name, "ss", 1, 2, TypeId::kString),
             TypeId::kString,
             [side = side](const std::vector<DatumReader>& r, int64_t i, Column* out) {
               out->AppendString(Trim(r[0].String(i), r.size() > 1 ? r[1].String(i) : " ", side));
               return absl::OkStatus();
             });
  }
  Register(registry,
           "replace",
           Signature("replace", "sss", 3, 3, TypeId::kString),
           TypeId::kString,
           [](const std::vector<DatumReader>& r, int64_t i, Column* out) {
             const std::string_view s = r[0].String(i);
             const std::string_view from = r[1].String(i);
             const std::string_view to = r[2].String(i);
             if (from.empty()) {
               out->AppendString(s);
               return absl::OkStatus();
             }
             std::string result;
             size_t pos = 0;
             for (size_t found; (found = s.find(from, pos)) != std::string_view::npos;
                  pos = found + from.size()) {
               result.append(s.substr(pos, found - pos));
               result.append(to);
             }
             result.append(s.substr(pos));
             out->AppendString(result);
             return absl::OkStatus();
           });
  Register(registry,
           "starts_with",
           Signature("starts_with", "ss", 2, 2, TypeId::kBool),
           TypeId::kBool,
           [](const std::vector<DatumReader>& r, int64_t i, Column* out) {
             out->AppendBool(r[0].String(i).starts_with(r[1].String(i)));
             return absl::OkStatus();
           });
  Register(registry,
           "ends_with",
           Signature("ends_with", "ss", 2, 2, TypeId::kBool),
           TypeId::kBool,
           [](const std::vector<DatumReader>& r, int64_t i, Column* out) {
             out->AppendBool(r[0].String(i).ends_with(r[1].String(i)));
             return absl::OkStatus();
           });
  for (const char* name : {"strpos", "instr"}) {
    Register(registry,
             name,
             Signature(name, "ss", 2, 2, TypeId::kInt64),
             TypeId::kInt64,
             [](const std::vector<DatumReader>& r, int64_t i, Column* out) {
               const std::string_view s = r[0].String(i);
               const size_t found = s.find(r[1].String(i));
               out->AppendInt64(
                   found == std::string_view::npos ? 0 : CharLength(s.substr(0, found)) + 1);
               return absl::OkStatus();
             });
  }
  Register(registry,
           "repeat",
           Signature("repeat", "si", 2, 2, TypeId::kString),
           TypeId::kString,
           [](const std::vector<DatumReader>& r, int64_t i, Column* out) {
             const std::string_view s = r[0].String(i);
             const int64_t n = r[1].Int64(i);
             if (n > 0 && static_cast<double>(s.size()) * static_cast<double>(n) > 256e6) {
               return absl::InvalidArgumentError("function 'repeat': result is too large");
             }
             std::string result;
             for (int64_t k = 0; k < n; ++k) {
               result.append(s);
             }
             out->AppendString(result);
             return absl::OkStatus();
           });
  for (const bool left : {true, false}) {
    const std::string name = left ? "lpad" : "rpad";
    Register(
        registry,
        name,
        Signature(name, "sis", 2, 3, TypeId::kString),
        TypeId::kString,
        [left, name](const std::vector<DatumReader>& r, int64_t i, Column* out) {
          const int64_t length = r[1].Int64(i);
          if (length > 64 * 1024 * 1024) {
            return absl::InvalidArgumentError(
                fmt::format("function '{}': result is too large", name));
          }
          out->AppendString(Pad(r[0].String(i), length, r.size() > 2 ? r[2].String(i) : " ", left));
          return absl::OkStatus();
        });
  }
  Register(registry,
           "split_part",
           Signature("split_part", "ssi", 3, 3, TypeId::kString),
           TypeId::kString,
           [](const std::vector<DatumReader>& r, int64_t i, Column* out) {
             const std::string_view s = r[0].String(i);
             const std::string_view delimiter = r[1].String(i);
             const int64_t n = r[2].Int64(i);
             if (n == 0) {
               return absl::InvalidArgumentError(
                   "function 'split_part': field position must not be zero");
             }
             std::vector<std::string_view> parts;
             if (delimiter.empty()) {
               parts.push_back(s);
             } else {
               size_t pos = 0;
               for (size_t found; (found = s.find(delimiter, pos)) != std::string_view::npos;
                    pos = found + delimiter.size()) {
                 parts.push_back(s.substr(pos, found - pos));
               }
               parts.push_back(s.substr(pos));
             }
             const auto count = static_cast<int64_t>(parts.size());
             const int64_t index = n > 0 ? n - 1 : count + n;  // negative counts from the end
             out->AppendString(index >= 0 && index < count ? parts[static_cast<size_t>(index)]
                                                           : std::string_view());
             return absl::OkStatus();
           });
  Register(registry,
           "md5",
           Signature("md5", "s", 1, 1, TypeId::kString),
           TypeId::kString,
           [](const std::vector<DatumReader>& r, int64_t i, Column* out) {
             out->AppendString(Md5Hex(r[0].String(i)));
             return absl::OkStatus();
           });
  // ascii(s): the code point of the first character (0 for ''), as PostgreSQL and DataFusion.
  Register(registry,
           "ascii",
           Signature("ascii", "s", 1, 1, TypeId::kInt64),
           TypeId::kInt64,
           [](const std::vector<DatumReader>& r, int64_t i, Column* out) {
             const std::string_view s = r[0].String(i);
             uint32_t code_point = 0;
             if (!s.empty() && DecodeUtf8(s, 0, &code_point) == 0) {
               code_point = static_cast<uint8_t>(s[0]);  // a stray byte counts as itself
             }
             out->AppendInt64(code_point);
             return absl::OkStatus();
           });
  // chr(n): the character with code point n; 0, surrogates and values past U+10FFFF are errors.
  Register(registry,
           "chr",
           Signature("chr", "i", 1, 1, TypeId::kString),
           TypeId::kString,
           [](const std::vector<DatumReader>& r, int64_t i, Column* out) {
             const int64_t n = r[0].Int64(i);
             if (n <= 0 || n > 0x10FFFF || (n >= 0xD800 && n <= 0xDFFF)) {
               return absl::InvalidArgumentError(
                   fmt::format("function 'chr': {} is not a valid character code", n));
             }
             std::string character;
             AppendUtf8(static_cast<uint32_t>(n), &character);
             out->AppendString(character);
             return absl::OkStatus();
           });
  {
    ScalarFunction f;
    f.name = "to_hex";
    f.resolve = [](const std::vector<TypeId>& args) -> absl::StatusOr<FunctionSignature> {
      absl::Status arity = CheckArity("to_hex", args.size(), 1, 1);
      if (!arity.ok()) {
        return arity;
      }
      if (args[0] != TypeId::kInt64 && args[0] != TypeId::kUInt64 && args[0] != TypeId::kNull) {
        return NotAccepted("to_hex", args[0]);
      }
      return FunctionSignature{{args[0] == TypeId::kNull ? TypeId::kInt64 : args[0]},
                               TypeId::kString};
    };
    f.execute = [](const std::vector<Datum>& args, int64_t num_rows) -> absl::StatusOr<Datum> {
      const bool is_unsigned = args[0].type() == TypeId::kUInt64;
      return MapRows(args,
                     num_rows,
                     TypeId::kString,
                     [is_unsigned](const std::vector<DatumReader>& r, int64_t i, Column* out) {
                       // Two's complement for negatives, as PostgreSQL.
                       const uint64_t v =
                           is_unsigned ? r[0].UInt64(i) : static_cast<uint64_t>(r[0].Int64(i));
                       out->AppendString(fmt::format("{:x}", v));
                       return absl::OkStatus();
                     });
    };
    registry->Register(std::move(f));
  }
}

}  // namespace strata::exec
